import { expect, test } from "@playwright/test";
import { blockingViolations, cardFor, fillValidForm, uniqueTag } from "./helpers";

test.beforeAll(async ({ browser }) => {
  // One finished generation, so the history's cards (player, actions, filters) are part of every scan.
  const page = await browser.newPage();
  const tag = uniqueTag("axe");
  await page.goto("/");
  await fillValidForm(page, { prompt: `<<<video_1>>> A kite over dunes ${tag}` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, tag).getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });
  await page.close();
});

for (const colorScheme of ["light", "dark"] as const) {
  for (const viewport of [
    { name: "desktop", width: 1280, height: 900 },
    { name: "phone", width: 390, height: 844 },
  ]) {
    test(`the studio has no serious accessibility violations (${viewport.name}, ${colorScheme})`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await page.goto("/");
      await expect(page.getByTestId("task-card").first()).toBeVisible();
      await page
        .getByLabel("Prompt", { exact: true })
        .fill("<<<image_3>>> a broken token, so the error state is scanned too");
      await page.getByRole("button", { name: "Generate" }).click();
      await expect(page.getByTestId("prompt-error")).toBeVisible();
      expect(await blockingViolations(page)).toEqual([]);
    });
  }
}
