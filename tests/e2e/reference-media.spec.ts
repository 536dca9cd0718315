import { readdir } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { fixturePath, type FixtureName } from "../fixtures/media-fixtures";
import { SHOTS_DIR, fileInput, pasteVideoLink } from "./helpers";
import { KEYED_URL, SIMULATOR_URL, UPLOAD_DIRS } from "./servers";

const videoInput = (page: Page) => fileInput(page, "referenceVideo");
const imagesInput = (page: Page) => fileInput(page, "referenceImages");

function countUploads(page: Page): { count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    if (request.url().includes("/api/uploads")) counter.count += 1;
  });
  return counter;
}

/** Files anywhere under the upload base (each server process stages in its own folder there). */
async function leftoverTempFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
}

test("a dropped video previews with its facts, uploads, and its URL, the ordered images and the tokens reach the upstream", async ({
  page,
  request,
}) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(`${KEYED_URL}/`);
  await videoInput(page).setInputFiles(fixturePath("goodMp4"));

  const facts = page.getByTestId("video-facts");
  await expect(facts).toContainText("4.0 s");
  await expect(facts).toContainText("1280×720");
  await expect(facts).toContainText("24 fps");
  await expect(facts).toContainText("MP4");
  await expect
    .poll(() => page.getByTestId("video-preview").evaluate((v: HTMLVideoElement) => v.readyState))
    .toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();

  await imagesInput(page).setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg"), fixturePath("imageWebp")]);
  const images = page.getByTestId("image-reference");
  await expect(images).toHaveCount(3);
  for (const index of [0, 1, 2]) await expect(images.nth(index).getByTestId("upload-done")).toBeVisible();
  await expect(images.nth(0)).toContainText("800×600 · PNG");

  // Tokens from the chips, then reorder: the PNG (image_1) moves to third place and the prompt follows.
  const prompt = page.getByLabel("Prompt", { exact: true });
  await prompt.fill("A dancer from");
  await page.getByRole("button", { name: "Insert Image 1" }).click();
  await prompt.press("End");
  await prompt.pressSequentially("moves like");
  await page.getByRole("button", { name: "Insert Video" }).click();
  await expect(prompt).toHaveValue("A dancer from <<<image_1>>> moves like <<<video_1>>> ");
  await expect(page.getByTestId("prompt-chips").locator("[data-token]")).toHaveCount(2);

  await page.getByRole("button", { name: "Move image 1 later" }).click();
  await page.getByRole("button", { name: "Move image 2 later" }).click();
  await expect(prompt).toHaveValue("A dancer from <<<image_3>>> moves like <<<video_1>>> ");
  await expect(images.nth(2)).toContainText("style-800x600");
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-references.png`, fullPage: true });

  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("task-card").filter({ hasText: "A dancer from" })).toBeVisible();

  const log = await (await request.get(`${SIMULATOR_URL}/__sim/log`)).json();
  const create = log.creates.findLast((c: { body?: { prompt?: string } }) =>
    c.body?.prompt?.startsWith("A dancer from"),
  );
  expect(create.status).toBe(200);
  const uploaded = log.uploads.filter((u: { status: number }) => u.status === 200);
  const urlOf = (name: string) => create.body.image_urls.find((url: string) => url.includes(name));
  expect(create.body.video_url).toMatch(
    /^https:\/\/files\.evolink\.ai\/videos\/good-1280x720-24fps-4s-[a-f0-9]{8}\.mp4$/,
  );
  expect(create.body.image_urls).toHaveLength(3);
  expect(create.body.image_urls.indexOf(urlOf("scene-640x480"))).toBe(0);
  expect(create.body.image_urls.indexOf(urlOf("frame-600x600"))).toBe(1);
  expect(create.body.image_urls.indexOf(urlOf("style-800x600"))).toBe(2);
  expect(create.body.prompt).toBe("A dancer from <<<image_3>>> moves like <<<video_1>>>");
  expect(uploaded.length).toBeGreaterThanOrEqual(4);
  expect(await leftoverTempFiles(UPLOAD_DIRS.keyed)).toEqual([]);
});

const rejectedVideos: Array<[FixtureName, RegExp]> = [
  ["shortClip", /2 s long; it must be at least 3 s/],
  ["smallClip", /640×480; its width must be within 720–2160 px/],
  ["slowClip", /15 fps; the frame rate must be 24–60 fps/],
  ["fastClip", /90 fps; the frame rate must be 24–60 fps/],
  ["pngNamedMp4", /not an MP4 or MOV video \(checked by content/],
  ["textNamedMov", /not an MP4 or MOV|could not be read/],
  ["truncatedMp4", /truncated/],
  ["bigClip", /uploads are limited to 10 MB/],
];

for (const [fixture, message] of rejectedVideos) {
  test(`video "${fixture}" is refused in the browser, before any upload`, async ({ page }) => {
    const uploads = countUploads(page);
    await page.goto("/");
    await videoInput(page).setInputFiles(fixturePath(fixture));
    await expect(page.getByTestId("reference-problems")).toContainText(message);
    await expect(page.getByRole("button", { name: "Generate" })).toBeDisabled();
    await expect(page.getByTestId("submit-blocked")).toContainText("needs attention");
    expect(uploads.count).toBe(0);
    await page.getByRole("button", { name: "Remove" }).click();
    await expect(page.getByRole("button", { name: "or paste a video link" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
  });
}

test("images are checked in the browser: too small, too tall, and more than four", async ({ page }) => {
  const uploads = countUploads(page);
  await page.goto("/");
  await imagesInput(page).setInputFiles([fixturePath("imageTiny"), fixturePath("imageTall")]);
  const problems = page.getByTestId("reference-problems");
  await expect(problems.nth(0)).toContainText("200×200; each side must be at least 300 px");
  await expect(problems.nth(1)).toContainText("aspect ratio is 1:4 (300×1200); it must be between 1:2.5 and 2.5:1");
  expect(uploads.count).toBe(0);
  await page.getByRole("button", { name: "Remove image 2" }).click();
  await page.getByRole("button", { name: "Remove image 1" }).click();

  await imagesInput(page).setInputFiles([
    fixturePath("imagePng"),
    fixturePath("imageJpg"),
    fixturePath("imageWebp"),
    fixturePath("imageGif"),
    fixturePath("imagePng"),
  ]);
  await expect(page.getByTestId("image-reference")).toHaveCount(4);
  await expect(page.getByTestId("images-overflow")).toContainText("1 image was not added: at most 4");
});

test("a token pointing at a missing image is an inline error before submit", async ({ page }) => {
  await page.goto("/");
  await imagesInput(page).setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg")]);
  await expect(page.getByTestId("image-reference").nth(1).getByTestId("upload-done")).toBeVisible();
  await page.getByLabel("Prompt", { exact: true }).fill("<<<image_3>>> dancing");
  await pasteVideoLink(page, "https://media.example.com/a.mp4");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("prompt-error")).toContainText("<<<image_3>>> points at no image: 2 attached");
  await expect(page.getByTestId("prompt-chips").locator("[data-token][data-problem]")).toHaveCount(1);
  await expect(page.getByTestId("task-card").filter({ hasText: "dancing" })).toHaveCount(0);
});

test("an upload cancelled half way really stops, leaves nothing behind and can be retried", async ({ page }) => {
  await page.goto("/");
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 256 * 1024,
  });
  await videoInput(page).setInputFiles(fixturePath("goodMp4"));
  const progress = page.getByTestId("upload-progress-text");
  await expect(progress).toContainText(/[1-9]\d?% · /);
  await expect(page.getByRole("button", { name: "Generate" })).toBeDisabled();
  await expect(page.getByTestId("submit-blocked")).toContainText("Wait for the upload");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByTestId("upload-failed")).toHaveText("Upload cancelled.");
  await expect.poll(() => leftoverTempFiles(UPLOAD_DIRS.demo), { timeout: 10_000 }).toEqual([]);

  await cdp.send("Network.emulateNetworkConditions", {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("upload-done")).toBeVisible();
  await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
});
