import { LIMITS } from "../evolink/contract";
import type { GenerationRequest } from "./schema";

// The request's limits and defaults, apart from the zod schema so the page can use them without
// loading zod before the form is first validated.

/** The allowed durations as the form shows them. */
export const DURATION_RANGE_TEXT = `${LIMITS.durationMin}–${LIMITS.durationMax} s`;

/** Prompt length as the limit counts it: in characters (code points), so an emoji is one, not two. */
export function promptLength(prompt: string): number {
  return [...prompt].length;
}

const PRIVATE_HOST =
  /^(localhost|.*\.localhost|.*\.local|.*\.internal|0\.\d+\.\d+\.\d+|100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+|127\.\d+\.\d+\.\d+|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|169\.254\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|\[.*\])$/i;

/** Why a URL cannot be given to Evolink, or null when it can. Evolink downloads it itself, so it must be public. */
export function referenceUrlProblem(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "This is not a valid URL. Paste a full link starting with https://";
  }
  if (url.protocol !== "https:") return "Use an https:// link; Evolink only downloads references over HTTPS.";
  if (url.username || url.password) return "Remove the user name and password from the link.";
  // "localhost." is the same host as "localhost": compare without the root dot.
  if (PRIVATE_HOST.test(url.hostname.replace(/\.$/, ""))) {
    return "This host is private or local; Evolink's servers cannot reach it. Use a public link.";
  }
  return null;
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
