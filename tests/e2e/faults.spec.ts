import { expect, test } from "@playwright/test";
import { SHOTS_DIR, cardFor, fillValidForm, uniqueTag } from "./helpers";
import { SIMULATOR_URL } from "./servers";
import { APP_PORTS, artifactDir, freePort, spawnApp } from "./stack";

test("a rejected API key tells the operator what to fix, once, with no retry storm", async ({ page, request }) => {
  const port = await freePort(APP_PORTS);
  const app = spawnApp("wrong key", port, {
    EVOLINK_API_KEY: "sk-this-key-is-wrong-000000",
    EVOLINK_API_BASE: SIMULATOR_URL,
    EVOLINK_FILES_BASE: SIMULATOR_URL,
    DATA_DIR: artifactDir("wrong-key"),
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    await expect
      .poll(
        () =>
          fetch(url).then(
            (r) => r.status,
            () => 0,
          ),
        { timeout: 30_000 },
      )
      .toBe(200);
    await page.goto(url);
    const tag = uniqueTag("wrongkey");
    await fillValidForm(page, { prompt: `<<<video_1>>> ${tag}` });
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.getByTestId("form-error")).toContainText("The server's Evolink API key was rejected.");
    await expect(page.getByTestId("key-rejected")).toContainText("EVOLINK_API_KEY");
    await page.screenshot({ path: `${SHOTS_DIR}/desktop-key-rejected.png` });
    await page.waitForTimeout(3000);
    const log = await (await request.get(`${SIMULATOR_URL}/__sim/log`)).json();
    // Refused at the key check (so no body was recorded): sent exactly once, never retried.
    const refusedCreates = log.creates.filter((c: { status: number; body: unknown }) => c.status === 401);
    expect(refusedCreates.length).toBe(1);
    expect(await cardFor(page, tag).count()).toBe(0);
  } finally {
    await app.kill();
  }
});

test("a task stuck at the same progress shows a stall notice and polling carries on to completion", async ({
  page,
}) => {
  test.setTimeout(90_000);
  await page.goto("/");
  const tag = uniqueTag("stall");
  await fillValidForm(page, { prompt: `<<<video_1>>> a frozen lake ${tag} [sim:stall]` });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "42", { timeout: 15_000 });
  await expect(card.getByTestId("task-stalled")).toContainText("No progress for", { timeout: 40_000 });
  await expect(card.getByTestId("task-status")).toHaveText("Generating");
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 45_000 });
  await expect(card.getByTestId("task-stalled")).toHaveCount(0);
});

const recoveringScenarios = ["malformed", "poll-rate-limit", "slow", "extra-keys", "result-data-only"];

for (const scenario of recoveringScenarios) {
  test(`upstream quirk "${scenario}" is absorbed and the task completes`, async ({ page }) => {
    await page.goto("/");
    const tag = uniqueTag(scenario);
    await fillValidForm(page, { prompt: `<<<video_1>>> ${tag} [sim:${scenario}]` });
    await page.getByRole("button", { name: "Generate" }).click();
    const card = cardFor(page, tag);
    await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });
    // A card mounted while running opens large when done; one mounted again after it finished (the list mounts only
    // the cards on screen) shows its poster, and the player comes with Play (CI saw the poster, and no video asked for).
    const play = card.getByRole("button", { name: "Play" });
    if (await play.isVisible()) await play.click();
    await expect
      .poll(() => card.getByTestId("task-video").evaluate((v: HTMLVideoElement) => v.readyState))
      .toBeGreaterThanOrEqual(1);
  });
}

test("a 500 on create is reported without resubmitting, and the button is usable again", async ({ page }) => {
  await page.goto("/");
  const tag = uniqueTag("servererror");
  await fillValidForm(page, { prompt: `<<<video_1>>> ${tag} [sim:server-error]` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Evolink had an internal error.");
  await expect(cardFor(page, tag)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
});
