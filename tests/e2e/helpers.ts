import { mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import type { Locator, Page } from "@playwright/test";

/** Screenshots land here for people to look at after a run. */
export const SHOTS_DIR = "test-results/screenshots";
mkdirSync(SHOTS_DIR, { recursive: true });

export const SAMPLE_VIDEO_URL = "https://media.example.com/reference/street.mp4";

/** Serious and critical violations only: those block or badly hinder someone; each is listed with its nodes. */
export async function blockingViolations(page: Page): Promise<string[]> {
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

export async function fillValidForm(
  page: Page,
  { prompt, videoUrl = SAMPLE_VIDEO_URL }: { prompt: string; videoUrl?: string },
) {
  await page.getByLabel("Prompt", { exact: true }).fill(prompt);
  await pasteVideoLink(page, videoUrl);
}

/** The URL boxes sit behind "or paste a … link" until asked for (or until they hold something). */
async function linkBox(page: Page, label: string, toggle: string): Promise<Locator> {
  const box = page.getByLabel(label);
  const opener = page.getByRole("button", { name: toggle });
  await box.or(opener).first().waitFor();
  if (await opener.isVisible()) await opener.click();
  return box;
}

export async function pasteVideoLink(page: Page, url: string) {
  await (await linkBox(page, "Reference video URL", "or paste a video link")).fill(url);
}

/** The pasted image links box, opened if it is still behind its toggle. */
export function imageLinksBox(page: Page): Promise<Locator> {
  return linkBox(page, "Reference image URLs", "or paste image links");
}

/** The card of the generation whose prompt contains `text` (the history also holds other tests' work). */
export function cardFor(page: Page, text: string): Locator {
  return page.getByTestId("task-card").filter({ hasText: text });
}

/** A prompt fragment unique to this test run, so cards can be told apart. */
export function uniqueTag(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}

/** The file input behind a drop zone (hidden, as browsers hide them; the zone itself is the button people use). */
export function fileInput(page: Page, zone: "referenceVideo" | "referenceImages" | "elementImages"): Locator {
  return page.getByTestId(`${zone}-input`);
}
