import { copyFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";
import Database from "better-sqlite3";
import { expect, test, type Page } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";
import { seedHistory } from "../helpers/seed-history";
import { GENERATION_DEFAULTS } from "../../lib/generation/rules";
import { blockingViolations, SHOTS_DIR } from "./helpers";
import { Spawned, artifactDir, removeArtifactDirs, startSeededStudio } from "./stack";

// References by picture (issue #19, items 2 and 3), on a seeded studio: one finished entry whose three references
// (a video and two images, uploads whose 72 h links have expired) the studio kept beside its result with their
// thumbnails. The copy from a live link is tested against the simulator in kept-references.test.ts.
test.describe.configure({ mode: "serial", timeout: 90_000 });

const TAG = "keptrefs";
const PROMPT = `<<<video_1>>> a dancer in the coat of <<<image_1>>> under the sky of <<<image_2>>> ${TAG}`;
const VIDEO = "https://files.example.invalid/v/clip.mp4";
const IMAGES = ["https://files.example.invalid/i/coat.png", "https://files.example.invalid/i/sky.jpg"];
let app: Spawned;
let appUrl = "";
let failed = false;

/** A thumbnail as the studio makes it: one JPEG frame at most 160 px wide. */
function thumbnail(input: string, output: string) {
  const args = ["-hide_banner", "-loglevel", "error", "-y", "-i", input, "-frames:v", "1", "-vf", "scale=160:-2"];
  execFileSync("ffmpeg", [...args, "-update", "1", output]);
}

test.beforeAll(async () => {
  const root = artifactDir("kept-references");
  const dataDir = path.join(root, "data");
  const seeded = seedHistory({ dataDir, count: 1, promptOf: () => PROMPT });
  const [id] = seeded.ids;
  const request = { ...GENERATION_DEFAULTS, prompt: PROMPT, videoUrl: VIDEO, imageUrls: IMAGES };
  const kept = { videoThumbnail: true, images: IMAGES.map(() => ({ state: "archived", thumbnail: true })) };
  const db = new Database(seeded.dbFile);
  db.prepare(
    "UPDATE tasks SET request_json = ?, reference_state = 'archived', kept_references_json = ? WHERE id = ?",
  ).run(JSON.stringify(request), JSON.stringify(kept), id);
  const upload = db.prepare(
    "INSERT INTO uploads (file_url, kind, original_name, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const past = new Date(Date.now() - 3600_000).toISOString();
  upload.run(VIDEO, "video", "dancer.mp4", past, Date.now() - 80 * 3600_000);
  upload.run(IMAGES[0], "image", "coat.png", past, Date.now() - 80 * 3600_000);
  upload.run(IMAGES[1], "image", "sky.jpg", past, Date.now() - 80 * 3600_000);
  db.close();
  const file = (suffix: string) => path.join(seeded.archiveDir, `${id}.${suffix}`);
  const sources = [fixturePath("goodMp4"), fixturePath("imagePng"), fixturePath("imageJpg")];
  ["reference.mp4", "reference-image-1", "reference-image-2"].forEach((suffix, index) =>
    copyFileSync(sources[index]!, file(suffix)),
  );
  ["video", "image-1", "image-2"].forEach((slot, index) =>
    thumbnail(sources[index]!, file(`reference-${slot}.thumb.jpg`)),
  );
  ({ app, url: appUrl } = await startSeededStudio("kept references app", root));
});

test.afterEach(({}, testInfo) => {
  failed ||= testInfo.status !== testInfo.expectedStatus;
});

test.afterAll(async () => {
  await app?.kill();
  removeArtifactDirs({ keep: failed });
});

const card = (page: Page) => page.getByTestId("task-card").filter({ hasText: TAG });
const prompt = (page: Page) => page.getByLabel("Prompt", { exact: true });

/** Every picture inside `scope` has loaded real pixels. */
async function picturesLoaded(page: Page, selector: string): Promise<boolean[]> {
  return page
    .locator(selector)
    .evaluateAll((images) => images.map((image) => (image as HTMLImageElement).naturalWidth > 0));
}

for (const view of [
  { name: "desktop light", width: 1440, height: 900, scheme: "light" as const },
  { name: "phone dark", width: 390, height: 844, scheme: "dark" as const },
]) {
  test(`${view.name}: the card shows its kept references and its prompt as chips; remix attaches them again`, async ({
    page,
  }) => {
    await page.setViewportSize({ width: view.width, height: view.height });
    await page.emulateMedia({ colorScheme: view.scheme });
    await page.goto(`${appUrl}/`);

    const references = card(page).getByTestId("task-references").locator("li");
    await expect(references).toHaveText(["Video", "Image 1", "Image 2"]);
    await expect.poll(() => picturesLoaded(page, '[data-testid="task-references"] img')).toEqual([true, true, true]);
    const chips = card(page).locator("summary").getByTestId("reference-chip");
    await expect(chips).toHaveText(["Video", "Image 1", "Image 2"]);
    await expect(card(page).locator("summary")).not.toContainText("<<<");
    await card(page).screenshot({ path: `${SHOTS_DIR}/kept-references-card-${view.width}-${view.scheme}.png` });

    // The uploads expired 1 h ago: remix brings the studio's copies back as files and uploads them again.
    await card(page).getByRole("button", { name: "Use these settings" }).click();
    await expect(page.getByTestId("remix-reuploaded")).toContainText(
      "video “dancer.mp4”, image “coat.png”, image “sky.jpg”",
    );
    await expect(page.getByTestId("remix-expired")).toHaveCount(0);
    await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible({ timeout: 20_000 });
    const images = page.getByTestId("image-reference");
    await expect(images).toHaveCount(2);
    for (const index of [0, 1]) await expect(images.nth(index).getByTestId("upload-done")).toBeVisible();
    await expect(images.nth(0)).toContainText("coat");
    await expect(prompt(page)).toHaveValue(PROMPT);
    await expect(page.getByTestId("prompt-chips").getByTestId("reference-chip")).toHaveText([
      "Video",
      "Image 1",
      "Image 2",
    ]);
    await page.getByRole("form", { name: "New generation" }).screenshot({
      path: `${SHOTS_DIR}/kept-references-remix-${view.width}-${view.scheme}.png`,
    });
    expect(await blockingViolations(page)).toEqual([]);
  });
}

test("typing @ opens a picker of the attachments: keys and mouse insert their tokens; pasted @Image1 converts", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${appUrl}/`);
  await card(page).getByRole("button", { name: "Use these settings" }).click();
  await expect(page.getByTestId("image-reference")).toHaveCount(2);

  const field = prompt(page);
  await field.fill("A kite over");
  await field.press("End");
  await field.pressSequentially(" @");
  const picker = page.getByTestId("reference-picker");
  await expect(picker.getByRole("option")).toHaveCount(3);
  await expect(picker.getByRole("option").first()).toHaveAttribute("aria-selected", "true");
  await expect(field).toHaveAttribute("aria-activedescendant", /option-0/);
  await page.screenshot({ path: `${SHOTS_DIR}/reference-picker-1440-light.png` });
  expect(await blockingViolations(page)).toEqual([]);

  // Keys: ↓ to Image 1, Enter.
  await field.press("ArrowDown");
  await expect(field).toHaveAttribute("aria-activedescendant", /option-1/);
  await field.press("Enter");
  await expect(picker).toHaveCount(0);
  await expect(field).toHaveValue("A kite over <<<image_1>>> ");

  // Typing narrows the list (by name or file name); the mouse chooses.
  await field.pressSequentially("and @im");
  await expect(picker.getByRole("option")).toHaveText([/Image 1/, /Image 2/]);
  await field.pressSequentially("x");
  await expect(picker).toContainText("Nothing attached matches “imx”.");
  for (let typed = 0; typed < 3; typed += 1) await field.press("Backspace");
  await field.pressSequentially("sky");
  await expect(picker.getByRole("option")).toHaveText([/Image 2.*sky\.jpg/]);
  await picker.getByRole("option", { name: /Image 2/ }).click();
  await expect(field).toHaveValue("A kite over <<<image_1>>> and <<<image_2>>> ");
  await expect(field).toBeFocused();

  // Escape closes it and leaves the "@" as typed.
  await field.pressSequentially("@");
  await expect(picker).toBeVisible();
  await field.press("Escape");
  await expect(picker).toHaveCount(0);
  await expect(field).toHaveValue("A kite over <<<image_1>>> and <<<image_2>>> @");

  // Text from another tool.
  await field.fill("");
  await field.evaluate((element) => {
    const data = new DataTransfer();
    data.setData("text/plain", "@Video, then @Image2 beside @image_1");
    element.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  });
  await expect(field).toHaveValue("<<<video_1>>>, then <<<image_2>>> beside <<<image_1>>>");
});
