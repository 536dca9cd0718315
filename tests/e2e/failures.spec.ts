import { expect, test } from "@playwright/test";
import { SHOTS_DIR, cardFor, fillValidForm, uniqueTag } from "./helpers";

test("a content-policy failure is explained on the task card", async ({ page }) => {
  await page.goto("/");
  const tag = uniqueTag("crowd");
  await fillValidForm(page, { prompt: `<<<video_1>>> a crowd of people ${tag} [sim:content-policy]` });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card.getByTestId("task-status")).toHaveText("Failed", { timeout: 20_000 });
  const error = card.getByTestId("task-error");
  await expect(error).toContainText("The request was blocked by Evolink's safety filters.");
  await expect(error).toContainText("Rephrase the prompt");
  await expect(error).toContainText("Your request was blocked by safety filters.");
  await expect(card.getByTestId("task-video")).toHaveCount(0);
  // Failed tasks are not charged (CONTRACT.md, "Errors"), so the card must not still say "Reserved".
  await expect(card.getByTestId("task-charge")).toHaveText("Not charged");
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-failed.png`, fullPage: true });
});

const createFailures: Array<[string, RegExp]> = [
  ["insufficient-quota", /run out of credits[\s\S]*Top up the Evolink account/],
  ["rate-limit", /rate-limiting[\s\S]*Slow down/],
  ["no-channel", /no capacity for this model[\s\S]*Retry in 1–2 minutes/],
  ["model-denied", /no access to kling-o3-reference-to-video/],
  ["legacy-error", /no capacity for this model/],
];

for (const [scenario, message] of createFailures) {
  test(`create failure "${scenario}" shows an actionable message and creates no card`, async ({ page }) => {
    await page.goto("/");
    const tag = uniqueTag("waves");
    await fillValidForm(page, { prompt: `<<<video_1>>> waves ${tag} [sim:${scenario}]` });
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(page.getByTestId("form-error")).toContainText(message);
    await expect(cardFor(page, tag)).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
  });
}

test("an unknown upstream status ends the card as failed instead of polling forever", async ({ page }) => {
  await page.goto("/");
  const tag = uniqueTag("rain");
  await fillValidForm(page, { prompt: `<<<video_1>>> rain ${tag} [sim:cancelled]` });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card.getByTestId("task-status")).toHaveText("Failed", { timeout: 20_000 });
  await expect(card.getByTestId("task-error")).toContainText("cancelled or expired upstream");
});

test("upstream poll errors are retried and the task still completes", async ({ page }) => {
  await page.goto("/");
  const tag = uniqueTag("fog");
  await fillValidForm(page, { prompt: `<<<video_1>>> fog ${tag} [sim:poll-server-error]` });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 25_000 });
});
