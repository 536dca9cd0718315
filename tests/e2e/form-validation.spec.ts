import { expect, test } from "@playwright/test";
import { GENERATION_DEFAULTS } from "../../lib/generation/rules";
import { fillValidForm, imageLinksBox } from "./helpers";

test("bad form input is explained inline and never reaches the server", async ({ page }) => {
  const creates: string[] = [];
  page.on("request", (request) => {
    if (request.url().endsWith("/api/generations")) creates.push(request.method());
  });
  await page.goto("/");

  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("prompt-error")).toHaveText("Write a prompt describing the video you want.");
  // Nothing attached: the drop zone people use says so, not the URL box.
  await expect(page.getByTestId("referenceVideo-error")).toContainText("Add a reference video");
  await expect(page.getByTestId("videoUrl-error")).toHaveCount(0);

  await page.getByLabel("Prompt", { exact: true }).fill("x".repeat(2501));
  await expect(page.getByTestId("prompt-counter")).toHaveText("2501 / 2500");
  await expect(page.getByTestId("prompt-error")).toContainText("2501 characters; the limit is 2500");
  expect(await page.getByLabel("Prompt", { exact: true }).inputValue()).toHaveLength(2501);

  await fillValidForm(page, {
    prompt: "<<<image_3>>> in the style of <<<video_1>>>",
    videoUrl: "http://insecure.example.com/a.mp4",
  });
  await (await imageLinksBox(page)).fill("https://a.example.com/1.png\nhttps://a.example.com/2.png");
  await page.getByLabel("Duration").fill("11");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("videoUrl-error")).toContainText("Use an https:// link");
  await expect(page.getByTestId("duration-error")).toHaveText("Duration can be at most 10 seconds for this model.");
  await expect(page.getByTestId("prompt-error")).toContainText("<<<image_3>>> points at no image: 2 attached");

  await page.getByLabel("Duration").fill("5.5");
  await expect(page.getByTestId("duration-error")).toContainText("whole number");
  await expect(page.getByTestId("cost-estimate")).toContainText("Choose a duration of 3–10 s");

  await page
    .getByLabel("Reference image URLs")
    .fill(Array.from({ length: 5 }, (_, i) => `https://a.example.com/${i}.png`).join("\n"));
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("imageUrls-error")).toContainText("5 reference images given; at most 4");

  await page.getByLabel("Reference image URLs").fill("https://a.example.com/1.png\nnot a url");
  await expect(page.getByTestId("imageUrls-error")).toContainText("Image 2: This is not a valid URL");

  expect(creates).toEqual([]);
  await expect(page.getByTestId("task-card").filter({ hasText: "in the style of" })).toHaveCount(0);
});

test("the server validates again and the form shows its per-field messages", async ({ request }) => {
  const valid = { ...GENERATION_DEFAULTS, prompt: "a boat", videoUrl: "https://media.example.com/a.mp4" };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["duration 2", { duration: 2 }, "duration"],
    ["duration 11", { duration: 11 }, "duration"],
    ["duration 5.5", { duration: 5.5 }, "duration"],
    ["aspect 4:3", { aspectRatio: "4:3" }, "aspectRatio"],
    ["quality 4k", { quality: "4k" }, "quality"],
    ["5 images", { imageUrls: Array(5).fill("https://a.example.com/i.png") }, "imageUrls"],
    ["http video", { videoUrl: "http://a.example.com/a.mp4" }, "videoUrl"],
    ["empty prompt", { prompt: "  " }, "prompt"],
    ["2501 prompt", { prompt: "y".repeat(2501) }, "prompt"],
    ["unknown field", { sneaky: true }, "_"],
  ];
  for (const [name, patch, field] of cases) {
    const response = await request.post("/api/generations", { data: { ...valid, ...patch } });
    expect(response.status(), name).toBe(400);
    const body = await response.json();
    expect(body.error.code, name).toBe("validation_failed");
    expect(typeof body.error.fields[field], name).toBe("string");
  }

  const notJson = await request.post("/api/generations", {
    data: "prompt=x",
    headers: { "content-type": "text/plain" },
  });
  expect(notJson.status()).toBe(415);
  const broken = await request.post("/api/generations", {
    data: Buffer.from("{oops"),
    headers: { "content-type": "application/json" },
  });
  expect(broken.status()).toBe(400);
  expect((await broken.json()).error.code).toBe("invalid_json");
  const huge = await request.post("/api/generations", { data: { ...valid, prompt: "z".repeat(200_000) } });
  expect(huge.status()).toBe(413);
  for (const id of ["..%2F..%2Fv1%2Fcredits", "task-unified-1-BAD", "credits"]) {
    const response = await request.get(`/api/tasks/${id}`);
    expect(response.status(), id).toBe(400);
    expect((await response.json()).error.code).toBe("invalid_task_id");
  }
  const unknown = await request.get("/api/tasks/task-unified-1757169743-7cvnl5zw");
  expect(unknown.status()).toBe(404);
  const video = await request.get("/api/tasks/task-unified-1757169743-7cvnl5zw/video");
  expect(video.status()).toBe(404);
});
