import { expect, test } from "@playwright/test";
import { CANARY_KEY, KEYED_URL, SIMULATOR_URL } from "./servers";
import { cardFor, fillValidForm } from "./helpers";

test("the server's API key never reaches the browser", async ({ page, request }) => {
  const seen: Array<{ url: string; text: string }> = [];
  page.on("response", async (response) => {
    const headers = JSON.stringify(await response.allHeaders());
    const body = await response.body().catch(() => Buffer.alloc(0));
    seen.push({ url: response.url(), text: headers + body.toString("latin1") });
  });

  await page.goto(`${KEYED_URL}/`);
  await expect(page.getByTestId("demo-banner")).toHaveCount(0);
  await fillValidForm(page, { prompt: "<<<video_1>>> a canary in a coal mine" });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, "a canary in a coal mine");
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  await expect.poll(() => card.getByTestId("task-video").evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(1);

  // An upstream error path too: its message must not echo the key either.
  await fillValidForm(page, { prompt: "<<<video_1>>> [sim:insufficient-quota]" });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("form-error")).toBeVisible();

  // Every JS chunk the page references, fetched directly (some may have come from cache).
  const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.src).filter(Boolean));
  for (const src of scripts) {
    const response = await request.get(src);
    seen.push({ url: src, text: await response.text() });
  }

  // The flow really went through the keyed simulator (so the key was in use), not demo mode.
  const log = await (await request.get(`${SIMULATOR_URL}/__sim/log`)).json();
  expect(log.creates.some((c: { body: { prompt?: string } }) => c.body?.prompt?.includes("a canary in a coal mine"))).toBe(true);

  expect(seen.length).toBeGreaterThan(5);
  const leaks = seen.filter((entry) => entry.text.includes(CANARY_KEY)).map((entry) => entry.url);
  expect(leaks).toEqual([]);
});
