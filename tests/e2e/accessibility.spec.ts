import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { cardFor, fillValidForm, uniqueTag } from "./helpers";

/** Serious and critical violations only: those block or badly hinder someone; each is listed with its nodes. */
async function blockingViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} — ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`,
    );
}

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
