import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { seedHistory, type SeededHistory } from "../helpers/seed-history";
import { SHOTS_DIR } from "./helpers";
import { Spawned, artifactDir, removeArtifactDirs, startSeededStudio } from "./stack";

// The gallery (issue #19): the history as a grid of posters, a muted preview on hover or focus, and a full-screen
// viewer with previous/next by buttons and arrow keys. Its own demo studio on a seeded store.
test.describe.configure({ mode: "serial", timeout: 120_000 });

const COUNT = 240;
let app: Spawned;
let appUrl = "";
let seeded: SeededHistory;
let failed = false;

test.beforeAll(async () => {
  const root = artifactDir("gallery");
  const dataDir = path.join(root, "data");
  seeded = seedHistory({
    dataDir,
    count: COUNT,
    withPosters: true,
    promptOf: (i) => `Gallery entry ${i}: a lantern drifting over <<<video_1>>> at night`,
  });
  ({ app, url: appUrl } = await startSeededStudio("gallery app", root));
});

test.afterEach(({}, testInfo) => {
  failed ||= testInfo.status !== testInfo.expectedStatus;
});

test.afterAll(async () => {
  await app?.kill();
  removeArtifactDirs({ keep: failed });
});

function countVideoRequests(page: Page): { count: number } {
  const seen = { count: 0 };
  page.on("request", (request) => {
    if (/\/api\/tasks\/[^/]+\/video$/.test(new URL(request.url()).pathname)) seen.count += 1;
  });
  return seen;
}

const tiles = (page: Page) => page.getByTestId("gallery-tile");
const newest = (index = 0) => seeded.ids[COUNT - 1 - index] ?? "";
const viewerTitle = (page: Page) => page.getByTestId("task-viewer").getByRole("heading");

test("Grid shows posters without fetching video, is kept in the address and remembered", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  const videos = countVideoRequests(page);
  await page.goto(appUrl);
  await page.getByRole("group", { name: "Show as" }).getByRole("button", { name: "Grid" }).click();
  await expect(page).toHaveURL(/[?&]view=grid/);
  await expect(tiles(page).first()).toBeVisible();
  await expect(tiles(page).first().getByTestId("task-poster")).toBeVisible();
  // Only the rows on screen are mounted, as in the list.
  expect(await tiles(page).count()).toBeLessThan(60);
  const columns = await tiles(page).evaluateAll(
    (all) => new Set(all.map((t) => Math.round(t.getBoundingClientRect().x))).size,
  );
  expect(columns).toBeGreaterThanOrEqual(3);
  await page.waitForTimeout(500);
  expect(videos.count).toBe(0);
  await page.screenshot({ path: `${SHOTS_DIR}/gallery-desktop-light.png` });

  await page.reload();
  await expect(tiles(page).first()).toBeVisible();
  // A plain visit to "/" opens the way the person left it.
  await page.goto(appUrl);
  await expect(tiles(page).first()).toBeVisible();
  await page.getByRole("group", { name: "Show as" }).getByRole("button", { name: "List" }).click();
  await expect(page.getByTestId("task-card").first()).toBeVisible();
  await expect(tiles(page)).toHaveCount(0);
  await expect(page).not.toHaveURL(/view=/);
});

test("a resting pointer or focus plays a muted preview; leaving stops it", async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${appUrl}/?view=grid`);
  const tile = page.locator(`[data-testid="gallery-tile"][data-task-id="${newest()}"]`);
  await tile.hover();
  const preview = tile.getByTestId("gallery-preview");
  await expect(preview).toBeVisible();
  expect(await preview.evaluate((video) => (video as HTMLVideoElement).muted)).toBe(true);
  await expect.poll(() => preview.evaluate((video) => (video as HTMLVideoElement).currentTime)).toBeGreaterThan(0);
  await page.mouse.move(5, 5);
  await expect(preview).toHaveCount(0);
  await tile.getByRole("button", { name: /^Open / }).focus();
  await expect(tile.getByTestId("gallery-preview")).toBeVisible();
});

test("the viewer: previous and next by buttons and arrows, details and actions inside, Escape back to the grid", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`${appUrl}/?view=grid`);
  const open = page.locator(`[data-testid="gallery-tile"][data-task-id="${newest()}"]`).getByRole("button", {
    name: /^Open /,
  });
  await open.click();
  const viewer = page.getByTestId("task-viewer");
  await expect(viewerTitle(page)).toHaveText(/^Generation 1 of \d+\+?$/);
  await expect(viewer.getByTestId("viewer-video")).toBeVisible();
  await expect(viewer.getByTestId("task-card")).toHaveAttribute("data-task-id", newest());
  await expect(viewer.getByRole("button", { name: "Use these settings" })).toBeVisible();
  await expect(viewer.getByRole("button", { name: "Previous" })).toBeDisabled();
  await page.keyboard.press("ArrowRight");
  await expect(viewer.getByTestId("task-card")).toHaveAttribute("data-task-id", newest(1));
  await expect(viewerTitle(page)).toHaveText(/^Generation 2 of/);
  await viewer.getByRole("button", { name: "Next" }).click();
  await expect(viewer.getByTestId("task-card")).toHaveAttribute("data-task-id", newest(2));
  await page.keyboard.press("ArrowLeft");
  await expect(viewer.getByTestId("task-card")).toHaveAttribute("data-task-id", newest(1));
  await page.screenshot({ path: `${SHOTS_DIR}/gallery-viewer-light.png` });
  // Reading on past the loaded page: Next keeps going into entries the first page did not hold.
  for (let step = 0; step < 60; step += 1) await page.keyboard.press("ArrowRight");
  await expect(viewer.getByTestId("task-card")).toHaveAttribute("data-task-id", newest(61));
  await page.keyboard.press("Escape");
  await expect(viewer).toHaveCount(0);
  await expect(tiles(page).first()).toBeVisible();
});

test("phone width and dark mode: two columns, the viewer fits", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "dark" });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${appUrl}/?view=grid`);
  await page.getByTestId("gallery-grid").scrollIntoViewIfNeeded();
  await expect(tiles(page).first()).toBeVisible();
  const xs = await tiles(page).evaluateAll((all) => [
    ...new Set(all.map((t) => Math.round(t.getBoundingClientRect().x))),
  ]);
  expect(xs.length).toBe(2);
  const right = await tiles(page).evaluateAll((all) => Math.max(...all.map((t) => t.getBoundingClientRect().right)));
  expect(right).toBeLessThanOrEqual(390);
  const poster = tiles(page).first().getByTestId("task-poster");
  await expect.poll(() => poster.evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
  // The tick box's touch target is the 44 px label around it.
  const target = await tiles(page).first().locator("label").boundingBox();
  expect(Math.min(target?.width ?? 0, target?.height ?? 0)).toBeGreaterThanOrEqual(44);
  await page.screenshot({ path: `${SHOTS_DIR}/gallery-phone-dark.png` });
  await tiles(page)
    .first()
    .getByRole("button", { name: /^Open / })
    .click();
  const viewer = page.getByTestId("task-viewer");
  await expect(viewer.getByTestId("viewer-video")).toBeVisible();
  const width = await viewer.evaluate((dialog) => dialog.scrollWidth);
  expect(width).toBeLessThanOrEqual(390);
  await page.screenshot({ path: `${SHOTS_DIR}/gallery-viewer-phone-dark.png` });
});
