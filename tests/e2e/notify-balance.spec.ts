import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { fillValidForm, uniqueTag } from "./helpers";
import {
  APP_PORTS,
  artifactDir,
  freePort,
  removeArtifactDirs,
  spawnApp,
  waitUntilAnswers,
  type Spawned,
} from "./stack";

// Issue #20, items 2 and 3: the tab title and desktop notifications while generations run, and the account's
// balance in the header and against the estimate. A private demo studio, so its simulator's balance
// (SIMULATOR_CREDITS) and its running tasks are this spec's alone.
const SHOTS = "tests/.artifacts/notify-balance";
mkdirSync(SHOTS, { recursive: true });
const PLAIN_TITLE = "Kling O3 Studio — reference-to-video";
const STARTING_CREDITS = 150;

let app: Spawned;
let url: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  const root = artifactDir("notify-balance");
  const port = await freePort(APP_PORTS);
  url = `http://127.0.0.1:${port}`;
  app = spawnApp("notify-balance", port, {
    EVOLINK_API_KEY: "",
    DATA_DIR: path.join(root, "data"),
    UPLOAD_TMP_DIR: path.join(root, "uploads"),
    SIMULATOR_CREDITS: String(STARTING_CREDITS),
    SIMULATOR_TASK_SECONDS: "6",
  });
  await waitUntilAnswers(`${url}/api/tasks?limit=1`, app, 60_000);
});

test.afterAll(async ({}, testInfo) => {
  await app?.kill();
  removeArtifactDirs({ keep: testInfo.status !== "passed" });
});

declare global {
  interface Window {
    __hidden: boolean;
    __notes: Array<{ title: string; body: string }>;
    __noteObjects: Notification[];
  }
}

/** The page can be "hidden" on demand, and every `new Notification` is recorded (and still made). */
async function watchNotifications(page: Page): Promise<void> {
  await page.addInitScript(() => {
    window.__hidden = false;
    window.__notes = [];
    window.__noteObjects = [];
    Object.defineProperty(Document.prototype, "visibilityState", {
      get: () => (window.__hidden ? "hidden" : "visible"),
    });
    Object.defineProperty(Document.prototype, "hidden", { get: () => window.__hidden });
    const Native = window.Notification;
    class Recorded extends Native {
      constructor(title: string, options?: NotificationOptions) {
        window.__notes.push({ title, body: options?.body ?? "" });
        super(title, options);
        window.__noteObjects.push(this);
      }
    }
    Object.defineProperty(window, "Notification", { value: Recorded, configurable: true, writable: true });
  });
}

async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((value) => {
    window.__hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

const notes = (page: Page) => page.evaluate(() => window.__notes);

test("while generations run the title counts them; one that ends in a hidden tab is notified, and its notification leads to its card", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["notifications"], { origin: url });
  await watchNotifications(page);
  await page.goto(url);
  await expect(page).toHaveTitle(PLAIN_TITLE);
  expect(await page.evaluate(() => Notification.permission)).toBe("granted");

  const done = uniqueTag("notified-done");
  await fillValidForm(page, { prompt: `A lighthouse at dusk ${done} in the style of <<<video_1>>>` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page).toHaveTitle(new RegExp(`^\\(1\\) \\d+% · ${PLAIN_TITLE}$`));
  await setHidden(page, true);
  await expect.poll(() => notes(page), { timeout: 30_000 }).toHaveLength(1);
  const [finished] = await notes(page);
  expect(finished?.title).toBe("Generation finished");
  expect(finished?.body).toContain(`A lighthouse at dusk ${done} in the style of video_1`);
  await expect(page).toHaveTitle(PLAIN_TITLE);

  // A failed one says so, with Evolink's reason.
  const failed = uniqueTag("notified-failed");
  await setHidden(page, false);
  await fillValidForm(page, { prompt: `A storm ${failed} [sim:content-policy] in the style of <<<video_1>>>` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page).toHaveTitle(/^\(1\) \d+% · /);
  await setHidden(page, true);
  await expect.poll(() => notes(page), { timeout: 30_000 }).toHaveLength(2);
  const failure = (await notes(page))[1];
  expect(failure?.title).toBe("Generation failed");
  expect(failure?.body).toContain(failed);

  // Clicking the first one brings its card into view with the focus.
  await page.evaluate(() => window.scrollTo(0, 0));
  await setHidden(page, false);
  await page.evaluate(() => window.__noteObjects[0]?.onclick?.(new Event("click")));
  const card = page.getByTestId("task-card").filter({ hasText: done });
  await expect(card).toBeFocused();
  await expect(card).toBeInViewport();
});

test("a generation that ends while the tab is visible, or without permission, notifies nothing", async ({
  page,
  context,
}) => {
  await context.clearPermissions();
  await watchNotifications(page);
  await page.goto(url);
  const tag = uniqueTag("not-notified");
  await fillValidForm(page, { prompt: `A quiet harbour ${tag} in the style of <<<video_1>>>` });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = page.getByTestId("task-card").filter({ hasText: tag });
  await expect(card.getByText("Completed", { exact: true })).toBeVisible({ timeout: 30_000 });
  expect(await notes(page)).toEqual([]);
  // Refusing (or never answering) the permission changed nothing else: the sound toggle still works, off by default.
  await expect(page.getByTestId("sound-toggle")).not.toBeChecked();
  await page.getByTestId("sound-toggle").check();
  await page.reload();
  await expect(page.getByTestId("sound-toggle")).toBeChecked();
});

async function balanceShot(page: Page, name: string): Promise<void> {
  for (const [device, viewport] of [
    ["desktop", { width: 1440, height: 900 }],
    ["phone", { width: 390, height: 844 }],
  ] as const) {
    for (const colorScheme of ["light", "dark"] as const) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: `${SHOTS}/${name}-${device}-${colorScheme}.png` });
    }
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.emulateMedia({ colorScheme: "light" });
}

test("the header's balance moves after a Generate, and the estimate warns when it is more than the balance", async ({
  page,
}) => {
  await page.goto(url);
  const balance = page.getByTestId("account-balance");
  // The earlier tests' three tasks: two completed (40.5 credits each), one failed (its credits given back).
  await expect(balance).toHaveText("Balance 69 credits");
  await expect(page.getByTestId("balance-warning")).toHaveCount(0);
  await page.getByLabel("Duration").fill("3");
  const tag = uniqueTag("balance");
  await fillValidForm(page, { prompt: `A kite ${tag} in the style of <<<video_1>>>` });
  await page.getByRole("button", { name: "Generate" }).click();
  // 3 s at 720p reserved 24.3 credits, read again at once (not after the server's 20 s cache).
  await expect(balance).toHaveText("Balance 44.7 credits");

  // 10 s is 81 credits: the estimate says it is more than the balance before Generate is pressed.
  await page.getByLabel("Duration").fill("10");
  const warning = page.getByTestId("cost-estimate").getByTestId("balance-warning");
  await expect(warning).toHaveText("More than your balance (44.7 credits)");
  await balanceShot(page, "warning");
});

test("a balance the studio cannot read shows as unavailable, never as 0, and warns of nothing", async ({ page }) => {
  await page.route("**/api/balance", (route) =>
    route.fulfill({
      status: 502,
      contentType: "application/json",
      body: JSON.stringify({
        error: { code: "upstream_timeout", message: "Evolink did not answer in time.", action: "", retryable: true },
      }),
    }),
  );
  await page.goto(url);
  await expect(page.getByTestId("account-balance")).toHaveText("Balance unavailable");
  await page.getByLabel("Duration").fill("10");
  await expect(page.getByTestId("balance-warning")).toHaveCount(0);
  await balanceShot(page, "unavailable");
});
