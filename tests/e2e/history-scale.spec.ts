import { execFileSync } from "node:child_process";
import path from "node:path";
import contentDisposition from "content-disposition";
import { expect, test, type Page } from "@playwright/test";
import { seedHistory, type SeededHistory } from "../helpers/seed-history";
import { SHOTS_DIR } from "./helpers";
import { Spawned, artifactDir, removeArtifactDirs, startSeededStudio } from "./stack";

// A 10,000-entry history on its own demo studio, seeded straight into its store before it starts.
test.describe.configure({ mode: "serial", timeout: 300_000 });

const COUNT = 10_000;
/** Entry 4321's prompt carries the only occurrence of this word. */
const UNIQUE_WORD = "quetzalcoatl";
const UNIQUE_INDEX = 4321;

let app: Spawned;
let appUrl = "";
let seeded: SeededHistory;
let failed = false;

test.beforeAll(async () => {
  const root = artifactDir("scale");
  const dataDir = path.join(root, "data");
  seeded = seedHistory({
    dataDir,
    count: COUNT,
    withPosters: true,
    promptOf: (i) =>
      i === UNIQUE_INDEX
        ? `A paper ${UNIQUE_WORD} unfolding over <<<video_1>>> at dusk, entry ${i}`
        : `Seeded generation ${i}: a slow dolly shot over <<<video_1>>> at dawn, mist on the lake`,
  });
  ({ app, url: appUrl } = await startSeededStudio("history-scale app", root));
});

test.afterEach(({}, testInfo) => {
  failed ||= testInfo.status !== testInfo.expectedStatus;
});

test.afterAll(async () => {
  await app?.kill();
  removeArtifactDirs({ keep: failed });
});

/** Counts requests for result videos (the poster route is not one). */
function countVideoRequests(page: Page): { count: number } {
  const seen = { count: 0 };
  page.on("request", (request) => {
    if (/\/api\/tasks\/[^/]+\/video(\?|$)/.test(new URL(request.url()).pathname + "?")) seen.count += 1;
  });
  return seen;
}

const cards = (page: Page) => page.getByTestId("task-card");
const cardOf = (page: Page, index: number) =>
  page.locator(`[data-testid="task-card"][data-task-id="${seeded.ids[index]}"]`);
const chip = (page: Page, label: string) => page.getByRole("button", { name: new RegExp(`^${label} · [\\d,]+$`) });

test("10,000 entries open with posters and no video, and scroll to the very first one", async ({ page }) => {
  const videos = countVideoRequests(page);
  await page.goto(`${appUrl}/`);
  await expect(cardOf(page, COUNT - 1)).toBeVisible();
  await expect(chip(page, "All")).toHaveText("All · 10,000");
  const poster = cards(page).first().getByTestId("task-poster");
  await expect(poster).toBeVisible();
  await expect.poll(() => poster.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  expect(await poster.getAttribute("loading")).toBe("lazy");
  // Only what is on screen (plus a few either side) is in the DOM.
  expect(await cards(page).count()).toBeLessThan(20);
  await page.waitForTimeout(1_000);
  expect(await page.locator("video").count()).toBe(0);
  expect(videos.count, "video requests on open").toBe(0);

  // To the end, page by page, as a person scrolling would make it read on.
  const oldest = cardOf(page, 0);
  for (let step = 0; step < 2_000 && (await oldest.count()) === 0; step += 1) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(30);
  }
  await expect(oldest).toBeVisible();
  expect(await cards(page).count()).toBeLessThan(20);
  expect(videos.count, "video requests after scrolling through everything").toBe(0);

  // A video is fetched only once its poster is pressed.
  await oldest.getByRole("button", { name: "Play" }).click();
  await expect(oldest.getByTestId("task-video")).toHaveCount(1);
  await expect.poll(() => videos.count).toBeGreaterThan(0);
});

test("Search prompts finds one word; a star and the Starred filter survive a reload", async ({ page }) => {
  await page.goto(`${appUrl}/`);
  await page.getByRole("searchbox", { name: "Search prompts" }).fill(UNIQUE_WORD);
  await expect(page).toHaveURL(new RegExp(`[?&]q=${UNIQUE_WORD}`));
  await expect(cards(page)).toHaveCount(1);
  const found = cardOf(page, UNIQUE_INDEX);
  await expect(found).toBeVisible();
  await expect(chip(page, "All")).toHaveText("All · 1");

  await found.getByRole("button", { name: "Star", exact: true }).click();
  await expect(found.getByRole("button", { name: "Unstar", exact: true })).toHaveAttribute("aria-pressed", "true");
  await expect
    .poll(async () => ((await (await fetch(`${appUrl}/api/tasks?starred=1`)).json()) as { tasks: unknown[] }).tasks)
    .toHaveLength(1);

  await page.getByRole("searchbox", { name: "Search prompts" }).fill("");
  await expect(chip(page, "All")).toHaveText("All · 10,000");
  // Starred and a sort in one moment, as a quick person (or a loaded machine) makes them: neither may undo the other.
  await page.evaluate(() => {
    const starred = [...document.querySelectorAll("button")].find((b) => b.textContent?.startsWith("Starred · "));
    const sort = document.querySelector<HTMLSelectElement>("#history-sort");
    if (!starred || !sort) throw new Error("the Starred chip or the Sort menu is missing");
    starred.click();
    sort.value = "oldest";
    sort.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await expect(page).toHaveURL(/starred=1/);
  await expect(page).toHaveURL(/sort=oldest/);
  await expect(cards(page)).toHaveCount(1);
  await expect(found).toBeVisible();
  await page.screenshot({ path: `${SHOTS_DIR}/history-scale-starred.png` });

  await page.reload();
  await expect(chip(page, "Starred")).toHaveAttribute("aria-pressed", "true");
  await expect(page.getByLabel("Sort")).toHaveValue("oldest");
  await expect(cards(page)).toHaveCount(1);
  await expect(found).toBeVisible();
});

test("three entries bulk-deleted with one confirmation; three others downloaded as one ZIP", async ({ page }) => {
  await page.goto(`${appUrl}/`);
  const newest = [1, 2, 3].map((n) => cardOf(page, COUNT - n));
  await expect(newest[2]!).toBeVisible();
  const gone = newest.map(async (card) => card.getAttribute("data-task-id"));
  const goneIds = await Promise.all(gone);
  await newest[0]!.getByRole("checkbox", { name: "Select this entry" }).click();
  await newest[2]!.getByRole("checkbox", { name: "Select this entry" }).click({ modifiers: ["Shift"] });
  await expect(newest[1]!.getByRole("checkbox", { name: "Select this entry" })).toBeChecked();
  await expect(page.getByTestId("history-selected")).toHaveText("3 entries selected");
  await page.getByRole("button", { name: "Delete selected" }).click();
  await page.getByRole("button", { name: "Delete for good" }).click();
  await expect(page.getByTestId("history-bulk-result")).toContainText("Deleted 3 entries.");
  for (const card of newest) await expect(card).toHaveCount(0);
  await expect(chip(page, "All")).toHaveText("All · 9,997");
  for (const id of goneIds) expect((await fetch(`${appUrl}/api/tasks/${id}`)).status).toBe(404);

  const zipped = [4, 5, 6].map((n) => cardOf(page, COUNT - n));
  for (const card of zipped) await card.getByRole("checkbox", { name: "Select this entry" }).click();
  await expect(page.getByTestId("history-selected")).toHaveText("3 entries selected");
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download ZIP" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("kling-studio-3-videos.zip");
  const entries = execFileSync("unzip", ["-Z1", await download.path()], { encoding: "utf8" })
    .trim()
    .split("\n");
  const expected = await Promise.all(
    zipped.map(async (card) => {
      const id = await card.getAttribute("data-task-id");
      const single = await fetch(`${appUrl}/api/tasks/${id}/video?download=1`, { headers: { Range: "bytes=0-0" } });
      await single.arrayBuffer();
      return contentDisposition.parse(single.headers.get("content-disposition") ?? "").parameters.filename;
    }),
  );
  expect(entries.sort()).toEqual(expected.sort());
  // Every entry is a whole MP4: unzip's own check of each file's CRC.
  execFileSync("unzip", ["-tq", await download.path()]);
});
