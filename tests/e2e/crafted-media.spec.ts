import { fileInput } from "./helpers";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { readFileSync } from "node:fs";
import { emptyBoxesAround, killerStz2, stszWith, withVideoTable } from "../fixtures/crafted-media";
import { fixturePath } from "../fixtures/media-fixtures";
import { DEMO_URL } from "./servers";

// The route's same-origin guard accepts what a browser sends from the studio's own page.
const SAME_ORIGIN = { "Sec-Fetch-Site": "same-origin" };

function upload(request: APIRequestContext, name: string, buffer: Buffer) {
  return request.post(`${DEMO_URL}/api/uploads?kind=video`, {
    headers: SAME_ORIGIN,
    multipart: { file: { name, mimeType: "video/mp4", buffer } },
  });
}

test("hostile MP4s get a catalog 4xx from the built server, which keeps serving everyone else", async ({ request }) => {
  const hostile: Array<[string, Buffer, RegExp]> = [
    ["killer.mp4", killerStz2(), /'stz2' has a field size of 0 bits/],
    ["huge-table.mp4", withVideoTable("stsz", stszWith(1_500_000)), /lists 1,500,000 entries/],
    ["box-flood.mp4", emptyBoxesAround(1_000_000), /more than 10,000 boxes/],
  ];
  // A good upload runs alongside the hostile ones: the studio answers it as usual.
  const good = upload(request, "good.mp4", readFileSync(fixturePath("goodMp4")));
  const answers = await Promise.all(hostile.map(([name, bytes]) => upload(request, name, bytes)));
  for (const [index, response] of answers.entries()) {
    expect(response.status()).toBe(422);
    const { error } = (await response.json()) as { error: { code: string; message: string; detail: string } };
    expect(error.code).toBe("media_rule_violation");
    expect(error.message).toBe("The file does not meet the model's requirements.");
    expect(error.detail).toMatch(hostile[index]![2]);
    expect(error.detail).toMatch(/Export it again/);
  }
  const goodAnswer = await good;
  expect(goodAnswer.status()).toBe(201);
  expect(((await goodAnswer.json()) as { facts: { frameCount: number } }).facts.frameCount).toBe(96);

  // The process is still up: the page and the history answer.
  expect((await request.get(`${DEMO_URL}/`)).status()).toBe(200);
  expect((await request.get(`${DEMO_URL}/api/tasks`, { headers: SAME_ORIGIN })).status()).toBe(200);
});

test("the page refuses the 9 kB killer with the same message, before any upload", async ({ page }) => {
  let uploads = 0;
  page.on("request", (request) => {
    if (request.url().includes("/api/uploads")) uploads += 1;
  });
  await page.goto("/");
  await fileInput(page, "referenceVideo").setInputFiles({
    name: "killer.mp4",
    mimeType: "video/mp4",
    buffer: killerStz2(),
  });
  await expect(page.getByTestId("reference-problems")).toContainText("'stz2' has a field size of 0 bits");
  await expect(page.getByRole("button", { name: "Generate" })).toBeDisabled();
  expect(uploads).toBe(0);
});
