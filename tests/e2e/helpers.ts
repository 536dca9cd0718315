import { mkdirSync } from "node:fs";
import type { Page } from "@playwright/test";

/** Screenshots land here for people to look at after a run. */
export const SHOTS_DIR = "test-results/screenshots";
mkdirSync(SHOTS_DIR, { recursive: true });

export const SAMPLE_VIDEO_URL = "https://media.example.com/reference/street.mp4";

export async function fillValidForm(page: Page, { prompt, videoUrl = SAMPLE_VIDEO_URL }: { prompt: string; videoUrl?: string }) {
  await page.getByLabel("Prompt").fill(prompt);
  await page.getByLabel("Reference video URL").fill(videoUrl);
}
