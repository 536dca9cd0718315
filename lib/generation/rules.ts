import { LIMITS } from "../evolink/contract";
import { checkPublicHttpsUrl } from "../net/host-kind";
import type { GenerationRequest } from "./schema";

// The request's limits and defaults, apart from the zod schema so the page can use them without
// loading zod before the form is first validated.

/** The allowed durations as the form shows them. */
export const DURATION_RANGE_TEXT = `${LIMITS.durationMin}–${LIMITS.durationMax} s`;

/** Prompt length as the limit counts it: in characters (code points), so an emoji is one, not two. */
export function promptLength(prompt: string): number {
  return [...prompt].length;
}

/** Why a URL cannot be given to Evolink, or null when it can. Evolink downloads it itself, so it must be public. */
export function referenceUrlProblem(value: string): string | null {
  const checked = checkPublicHttpsUrl(value);
  if (checked.problem === null) return null;
  return {
    "not-a-url": "This is not a valid URL. Paste a full link starting with https://",
    "not-https": "Use an https:// link; Evolink only downloads references over HTTPS.",
    credentials: "Remove the user name and password from the link.",
    "non-public-host": "This host is private or local; Evolink's servers cannot reach it. Use a public link.",
  }[checked.problem];
}

export const GENERATION_DEFAULTS: GenerationRequest = {
  prompt: "",
  videoUrl: "",
  imageUrls: [],
  duration: LIMITS.durationDefault,
  aspectRatio: "16:9",
  quality: "720p",
  keepOriginalSound: true,
};
