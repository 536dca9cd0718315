import { readFile } from "node:fs/promises";
import { expect, test, type Locator } from "@playwright/test";
import { SHOTS_DIR, cardFor, fillValidForm, uniqueTag } from "./helpers";

async function progressOf(card: Locator): Promise<number> {
  return Number(await card.getByRole("progressbar").getAttribute("aria-valuenow"));
}

test("demo mode: generate, watch progress rise, preview, play and download the result", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/");
  await expect(page.getByTestId("demo-banner")).toContainText("Demo mode — simulated results");

  const tag = uniqueTag("boat");
  await fillValidForm(page, { prompt: `<<<video_1>>> A paper boat drifts down a neon street ${tag}` });
  await page.getByLabel("Quality").selectOption("1080p");
  await page.getByLabel("Duration").fill("4");
  await expect(page.getByTestId("cost-estimate")).toContainText("43.22 credits");
  await expect(page.getByTestId("prompt-counter")).toHaveText(`${53 + tag.length} / 2500`);

  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card).toBeVisible();
  await expect(card.getByTestId("task-charge")).toHaveText("Reserved 43.22 credits");

  // The bar must be seen strictly between 0 and 100 on the way (the simulator takes ~4 s).
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        seen.push(await progressOf(card));
        return seen.some((value) => value > 0 && value < 100);
      },
      { intervals: [200], timeout: 15_000 },
    )
    .toBe(true);
  await expect(card.getByTestId("task-status")).toHaveText(/Generating|Queued/);
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-generating.png`, fullPage: true });

  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  expect(await progressOf(card)).toBe(100);
  await expect(card.getByTestId("task-charge")).toHaveText("Charged 43.22 credits");
  expect(seen).toEqual([...seen].sort((a, b) => a - b));

  const video = card.getByTestId("task-video");
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);
  expect(await video.evaluate((v: HTMLVideoElement) => Math.round(v.duration))).toBe(5);
  await video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
    .toBeGreaterThan(0.2);
  // Seeking needs Range support end to end.
  await video.evaluate((v: HTMLVideoElement) => {
    v.pause();
    v.currentTime = 3.5;
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.seeking), { timeout: 10_000 }).toBe(false);
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-completed.png`, fullPage: true });

  const taskId = await card.getAttribute("data-task-id");
  const downloadPromise = page.waitForEvent("download");
  await card.getByRole("link", { name: "Download" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toBe(`kling-a-paper-boat-drifts-down-a-${taskId}.mp4`);
  const bytes = await readFile(await download.path());
  expect(bytes.subarray(4, 8).toString("ascii")).toBe("ftyp");
  expect(bytes.length).toBeGreaterThan(100_000);
});

test("several generations run at once, each in its own card", async ({ page }) => {
  await page.goto("/");
  const tag = uniqueTag("pair");
  await fillValidForm(page, { prompt: `first clip ${tag}` });
  await page.getByRole("button", { name: "Generate" }).click();
  const cards = cardFor(page, tag);
  await expect(cards).toHaveCount(1);
  await page.getByLabel("Prompt", { exact: true }).fill(`second clip ${tag}`);
  await page.getByLabel("Aspect ratio").selectOption("9:16");
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(0)).toContainText("second clip");
  await expect(cards.nth(0)).toContainText("9:16");
  for (const index of [0, 1]) {
    await expect(cards.nth(index).getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  }
  const ids = await cards.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-task-id")));
  expect(new Set(ids).size).toBe(2);
});

test("phone width and dark mode stay usable through a whole generation", async ({ browser }) => {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    colorScheme: "dark",
    deviceScaleFactor: 2,
  });
  const page = await context.newPage();
  await page.goto("/");
  const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(background).not.toBe("rgb(250, 250, 250)");
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);

  const tag = uniqueTag("lighthouse");
  await fillValidForm(page, { prompt: `<<<video_1>>> a lighthouse in a storm ${tag}` });
  await page.getByLabel("Aspect ratio").selectOption("9:16");
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card).toBeInViewport();
  await page.screenshot({ path: `${SHOTS_DIR}/phone-dark-generating.png` });
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  await card.getByTestId("task-video").scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS_DIR}/phone-dark-completed.png`, fullPage: true });
  await context.close();
});
