import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page, type Response } from "@playwright/test";
import { videoProblems } from "../../lib/media/checks";
import type { VideoFacts } from "../../lib/media/rules";
import { fixturePath, type FixtureName } from "../fixtures/media-fixtures";
import { SHOTS_DIR, blockingViolations, fileInput, uniqueTag } from "./helpers";
import { KEYED_URL, SIMULATOR_URL } from "./servers";

// The e2e apps run with UPLOAD_MAX_VIDEO_MB=10 (playwright.config.ts).
const CAP = 10 * 1024 * 1024;

// A 4K conversion on a busy 2-core machine can take ten times its length.
test.describe.configure({ timeout: 200_000 });

function uploadsOf(page: Page): Response[] {
  const seen: Response[] = [];
  page.on("response", (response) => {
    if (response.url().includes("/api/uploads")) seen.push(response);
  });
  return seen;
}

/** The codecs of a file as the simulator's file service stored it, read by ffprobe. */
async function storedCodecs(request: APIRequestContext, stored: { uploadPath: string; fileName: string }) {
  const response = await request.get(`${SIMULATOR_URL}/files/${stored.uploadPath}/${stored.fileName}`);
  expect(response.status()).toBe(200);
  const dir = mkdtempSync(path.join(os.tmpdir(), "workbench-"));
  try {
    const file = path.join(dir, stored.fileName);
    writeFileSync(file, await response.body());
    const out = execFileSync("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0", file]);
    return out.toString().trim().split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The production build's script chunks that hold mediabunny's conversion code. */
function conversionChunks(): string[] {
  const dir = path.join(__dirname, "..", "..", ".next", "static", "chunks");
  return readdirSync(dir).filter(
    (name) => name.endsWith(".js") && readFileSync(path.join(dir, name), "utf8").includes("ConversionCanceledError"),
  );
}

/** Which of `chunks` the page has fetched so far. */
async function fetchedOf(page: Page, chunks: string[]): Promise<string[]> {
  const fetched = await page.evaluate(() => performance.getEntriesByType("resource").map((entry) => entry.name));
  return chunks.filter((chunk) => fetched.some((url) => url.endsWith(`/${chunk}`)));
}

async function choose(page: Page, fixture: FixtureName) {
  await page.goto(`${KEYED_URL}/`);
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath(fixture));
  await expect(page.getByTestId("video-facts")).toContainText("Container");
}

/** Opens the tools, presses "Fix it for me", and returns the server's own facts of the upload that follows. */
async function fixAndUpload(
  page: Page,
  whileConverting?: () => Promise<void>,
): Promise<{ fileUrl: string; facts: VideoFacts }> {
  const uploaded = page.waitForResponse((r) => r.url().includes("/api/uploads") && r.status() === 201, {
    timeout: 190_000,
  });
  await page.getByRole("button", { name: "Fix it for me" }).click();
  await expect(page.getByTestId("conform-progress")).toContainText(/\d+% · /);
  await whileConverting?.();
  const body = (await (await uploaded).json()) as { fileUrl: string; facts: VideoFacts };
  await expect(page.getByTestId("video-converted")).toBeVisible();
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();
  // The server's own probe of the uploaded bytes passes every rule.
  expect(videoProblems(body.facts, CAP)).toEqual([]);
  return body;
}

test("a 4K 12 s phone clip with sound: trimmed by keyboard, fixed in the browser, and only the result reaches the upstream", async ({
  page,
  request,
}) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  const uploads = uploadsOf(page);
  await choose(page, "phone4k");
  const card = page.getByTestId("video-reference");
  await expect(card.getByTestId("video-facts")).toContainText("3840×2160");
  await expect(card.getByTestId("reference-problems")).toContainText("its width must be within 720–2160 px");
  await page.getByRole("button", { name: "Trim and fix" }).click();

  const panel = page.getByTestId("conform-panel");
  await expect(panel.getByTestId("conform-target")).toContainText("2160×1216 · 30 fps · 10.0 s");
  await expect(panel.getByTestId("conform-sound")).toHaveText("Sound: kept as it is (AAC).");
  await expect(page.getByTestId("trim-thumbnails").locator("img")).toHaveCount(10);

  // Shift+arrow moves a handle by a second, an arrow by one frame (1/30 s).
  const start = page.getByRole("slider", { name: "Trim start" });
  await start.focus();
  await start.press("Shift+ArrowRight");
  await expect(page.getByTestId("trim-readout")).toContainText("Start 0:01.0");
  await expect(page.getByTestId("trim-readout")).toContainText("Length 9.0 s");
  await start.press("ArrowLeft");
  await expect(start).toHaveAttribute("aria-valuenow", "0.967");
  await expect(page.getByTestId("trim-cost")).toContainText("8.1 credits per output second · 9 s ≈ 72.9 credits");
  await page.getByRole("button", { name: "Use 9 s as the duration" }).click();
  await expect(page.getByLabel("Duration")).toHaveValue("9");

  const { fileUrl, facts } = await fixAndUpload(page, async () => {
    await expect(page.getByTestId("conform-progress")).toContainText(/about \d+ s left/, { timeout: 30_000 });
    await card.screenshot({ path: `${SHOTS_DIR}/workbench-fixing-light.png` });
  });
  expect([facts.width, facts.height, Math.round(facts.fps)]).toEqual([2160, 1216, 30]);
  expect(facts.durationSeconds).toBeGreaterThan(8.9);
  expect(facts.durationSeconds).toBeLessThan(9.2);
  expect(facts.sizeBytes).toBeLessThanOrEqual(CAP);
  await expect(card.getByTestId("video-facts")).toContainText("2160×1216");

  // The original was never uploaded: the one upload is the converted file.
  expect(uploads.filter((r) => r.request().method() === "POST")).toHaveLength(1);
  const tag = uniqueTag("workbench-4k");
  await page.getByLabel("Prompt", { exact: true }).fill(`${tag} <<<video_1>>> a walk through the market`);
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("task-card").filter({ hasText: tag })).toBeVisible();
  const log = await (await request.get(`${SIMULATOR_URL}/__sim/log`)).json();
  const create = log.creates.findLast((c: { body?: { prompt?: string } }) => c.body?.prompt?.startsWith(tag));
  expect(create.body.video_url).toBe(fileUrl);
  expect(create.body.video_url).toMatch(/phone-3840x2160-30fps-12s-fixed-[a-f0-9]{8}\.mp4$/);
  expect(create.body.duration).toBe(9);
  const stored = log.uploads.findLast((u: { fileName: string | null }) => u.fileName?.includes("phone-3840x2160"));
  expect(stored.fileName).toContain("-fixed");
  // What the upstream got: H.264 picture, and the AAC sound copied over.
  expect(await storedCodecs(request, stored)).toEqual(["h264", "aac"]);
});

test("a 120 fps clip comes down to 60 fps; a 640×360 clip is scaled up to 720 with a note (on a phone, dark)", async ({
  page,
}) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.emulateMedia({ colorScheme: "dark" });
  await choose(page, "phone120fps");
  await expect(page.getByTestId("reference-problems")).toContainText("120 fps");
  await page.getByRole("button", { name: "Trim and fix" }).click();
  await expect(page.getByTestId("conform-target")).toContainText("1280×720 · 60 fps · 4.0 s");
  await expect(page.getByTestId("trim-thumbnails").locator("img")).toHaveCount(10);
  await page.getByTestId("video-reference").screenshot({ path: `${SHOTS_DIR}/workbench-phone-dark.png` });
  expect(await blockingViolations(page)).toEqual([]);
  const fast = await fixAndUpload(page);
  expect(Math.round(fast.facts.fps)).toBe(60);

  await page.getByRole("button", { name: "Remove" }).click();
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("phone360p"));
  await page.getByRole("button", { name: "Trim and fix" }).click();
  await expect(page.getByTestId("conform-upscale-note")).toContainText("Scaling up adds no detail");
  await expect(page.getByTestId("conform-target")).toContainText("1280×720");
  const small = await fixAndUpload(page);
  expect([small.facts.width, small.facts.height]).toEqual([1280, 720]);
});

test("a 25 s clip is trimmed with the mouse and a finger, its selection loops, and the cut is what uploads", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await choose(page, "phone25s");
  // Longer than 10 s breaks no upload rule, so the clip uploads as it is; the tools offer the cut.
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();
  // Checked and uploaded, and the page idle since: the conversion code is still not fetched, until the tools open.
  const chunks = conversionChunks();
  expect(chunks.length).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  expect(await fetchedOf(page, chunks)).toEqual([]);
  await page.getByRole("button", { name: "Trim and fix" }).click();
  await expect(page.getByTestId("trim-readout")).toContainText("End 0:10.0");
  expect((await fetchedOf(page, chunks)).length).toBeGreaterThan(0);

  const track = (await page.getByTestId("trim").boundingBox())!;
  const start = (await page.getByRole("slider", { name: "Trim start" }).boundingBox())!;
  const y = start.y + start.height / 2;
  // Mouse: the start handle to 40 % (10 s), held at end − 3 s = 7 s.
  await page.mouse.move(start.x + start.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(track.x + track.width * 0.4, y, { steps: 5 });
  await page.mouse.up();
  await expect(page.getByTestId("trim-readout")).toContainText("Start 0:07.0");

  // Touch (Chromium's touch events, as a phone sends them): the end handle to 80 % (20 s), held at start + 10 s.
  const end = (await page.getByRole("slider", { name: "Trim end" }).boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const touch = (type: "touchStart" | "touchMove" | "touchEnd", x: number) =>
    cdp.send("Input.dispatchTouchEvent", { type, touchPoints: type === "touchEnd" ? [] : [{ x, y }] });
  await touch("touchStart", end.x + end.width / 2);
  for (const step of [0.5, 0.6, 0.7, 0.8]) await touch("touchMove", track.x + track.width * step);
  await touch("touchEnd", 0);
  await expect(page.getByTestId("trim-readout")).toContainText("End 0:17.0");
  await expect(page.getByTestId("trim-readout")).toContainText("Length 10.0 s");
  await page.getByTestId("video-reference").screenshot({ path: `${SHOTS_DIR}/workbench-trim-light.png` });
  expect(await blockingViolations(page)).toEqual([]);

  // Played from near the end of the selection, the preview comes back to its start.
  const preview = page.getByTestId("video-preview");
  await preview.evaluate(async (video: HTMLVideoElement) => {
    video.currentTime = 16.7;
    await video.play();
  });
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 5000 }).toBeLessThan(9);
  expect(await preview.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThanOrEqual(7);

  await expect(page.getByTestId("conform-panel")).toContainText("cut it to at most 10 s");
  const uploaded = page.waitForResponse((r) => r.url().includes("/api/uploads") && r.status() === 201);
  await page.getByRole("button", { name: "Fix it for me" }).click();
  const body = (await (await uploaded).json()) as { facts: VideoFacts };
  expect(body.facts.durationSeconds).toBeGreaterThan(9.9);
  expect(body.facts.durationSeconds).toBeLessThan(10.2);
  expect(videoProblems(body.facts, CAP)).toEqual([]);
});

test("what cannot be fixed says why: a 2 s clip, an HEVC clip in this Chromium, a truncated file", async ({ page }) => {
  await choose(page, "shortClip");
  await expect(page.getByTestId("reference-problems")).toContainText("at least 3 s");
  await expect(page.getByTestId("workbench-blocked")).toContainText("nothing here can add length");
  await expect(page.getByRole("button", { name: /Trim/ })).toHaveCount(0);

  await page.getByRole("button", { name: "Remove" }).click();
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("phoneHevc"));
  await expect(page.getByTestId("reference-problems")).toContainText("2560×1440");
  await page.getByRole("button", { name: "Trim and fix" }).click();
  await expect(page.getByTestId("workbench-blocked")).toContainText(
    "This browser cannot decode HEVC (H.265) video, so it cannot convert this clip: re-export as H.264, or open the studio in a browser that decodes HEVC (H.265).",
  );
  await expect(page.getByRole("button", { name: "Fix it for me" })).toHaveCount(0);

  await page.getByRole("button", { name: "Remove" }).click();
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("truncatedMp4"));
  await expect(page.getByTestId("reference-problems")).toContainText("may be truncated");
  await expect(page.getByRole("button", { name: /Trim|Fix it for me/ })).toHaveCount(0);
});

test("Cancel half-way through a conversion stops it: nothing uploads and the form is back to the original", async ({
  page,
}) => {
  const uploads = uploadsOf(page);
  await choose(page, "phone4k");
  await page.getByRole("button", { name: "Trim and fix" }).click();
  await page.getByRole("button", { name: "Fix it for me" }).click();
  await expect(page.getByTestId("conform-progress")).toContainText(/^([1-9]\d?)% · about \d+ s left/, {
    timeout: 60_000,
  });
  await page.getByRole("button", { name: "Cancel conversion" }).click();
  await expect(page.getByTestId("conform-cancelled")).toContainText("nothing was uploaded");
  await expect(page.getByTestId("conform-progress")).toHaveCount(0);
  // Given time to finish had it not stopped, nothing is uploaded and the original is still the chosen clip.
  await page.waitForTimeout(3000);
  expect(uploads).toHaveLength(0);
  await expect(page.getByTestId("video-facts")).toContainText("3840×2160");
  await expect(page.getByTestId("reference-problems")).toBeVisible();
  await expect(page.getByTestId("video-converted")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Generate" })).toBeDisabled();
});

test("Use this frame adds the paused frame as the next image at the video's resolution, and is refused at four", async ({
  page,
}) => {
  await choose(page, "goodMp4");
  await fileInput(page, "referenceImages").setInputFiles([
    fixturePath("imagePng"),
    fixturePath("imageJpg"),
    fixturePath("imageWebp"),
  ]);
  const images = page.getByTestId("image-reference");
  await expect(images).toHaveCount(3);
  const preview = page.getByTestId("video-preview");
  await expect.poll(() => preview.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
  await preview.evaluate((video: HTMLVideoElement) => {
    video.currentTime = 1.5;
  });
  await page.getByRole("button", { name: "Use this frame" }).click();
  await expect(images).toHaveCount(4);
  await expect(images.nth(3)).toContainText("good-1280x720-24fps-4s-frame-1.50s");
  await expect(images.nth(3)).toContainText("1280×720 · PNG");
  await expect(images.nth(3).getByTestId("upload-done")).toBeVisible();
  await expect(page.getByRole("button", { name: "Insert Image 4" })).toBeVisible();

  await page.getByRole("button", { name: "Use this frame" }).click();
  await expect(page.getByTestId("frame-refused")).toContainText(
    "No room for the frame: at most 4 reference images. Remove an image",
  );
  await expect(images).toHaveCount(4);
});
