import { expect, test, type Locator } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";
import { SHOTS_DIR, cardFor, fillValidForm, uniqueTag, fileInput } from "./helpers";
import { Stack, removeArtifactDirs } from "./stack";

// The studio's own per-client budgets, met in the browser: the page says what happened and how long to
// wait, in the studio's words (not as something Evolink said), and nothing reaches the upstream.

let stack: Stack;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  stack = await Stack.start({
    name: "rate-limits",
    taskSeconds: 3,
    appEnv: { RATE_LIMIT_GENERATE_PER_MIN: "1", RATE_LIMIT_UPLOAD_PER_MIN: "1" },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  removeArtifactDirs({ keep: false });
});

async function expectWaitMessage(within: Locator): Promise<void> {
  await expect(within).toContainText("Too many requests from this browser.");
  await expect(within).toContainText("Wait the number of seconds shown, then try again.");
  await expect(within).toContainText(/Try again in \d+ s\./);
  await expect(within).not.toContainText("Evolink said");
}

test("a Generate over the per-minute budget is refused with the wait, and nothing is sent upstream", async ({
  page,
}) => {
  await page.goto(stack.appUrl);
  const first = uniqueTag("budget");
  await fillValidForm(page, { prompt: `<<<video_1>>> a paper crane ${first}` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, first)).toHaveCount(1);

  const second = uniqueTag("over-budget");
  await page.getByLabel("Prompt", { exact: true }).fill(`<<<video_1>>> a paper crane ${second}`);
  const refused = page.waitForResponse((response) => response.url().endsWith("/api/generations"));
  await page.getByRole("button", { name: "Generate" }).click();
  const answer = await refused;
  expect(answer.status()).toBe(429);
  expect(Number(answer.headers()["retry-after"])).toBeGreaterThan(0);

  const error = page.getByTestId("form-error");
  await expectWaitMessage(error);
  await expect(cardFor(page, second)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
  await error.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-generate-rate-limited.png` });

  const creates = (await stack.simLog()).creates.filter((c) => c.body?.prompt?.includes(second));
  expect(creates).toHaveLength(0);
});

test("an upload over the per-minute budget fails with the wait shown, and Generate waits for it", async ({ page }) => {
  await page.goto(stack.appUrl);
  await fileInput(page, "referenceImages").setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg")]);
  const images = page.getByTestId("image-reference");
  await expect(images).toHaveCount(2);
  await expect(images.getByTestId("upload-done")).toHaveCount(1);
  const failed = images.getByTestId("upload-failed");
  await expect(failed).toHaveCount(1);
  await expectWaitMessage(failed);
  await expect(images.getByRole("button", { name: "Retry" })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Generate" })).toBeDisabled();
  await failed.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-upload-rate-limited.png` });
});
