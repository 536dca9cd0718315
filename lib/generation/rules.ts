import { LIMITS } from "../evolink/contract";
import type { GenerationRequest } from "./schema";

// The request's limits and defaults, apart from the zod schema so the page can use them without
// loading zod before the form is first validated.

/** Most takes one Generate may ask for: each is its own paid task. */
export const VARIANTS_MAX = 4;

/** The allowed durations as the form shows them. */
export const DURATION_RANGE_TEXT = `${LIMITS.durationMin}–${LIMITS.durationMax} s`;

/** Prompt length as the limit counts it: in characters (code points), so an emoji is one, not two. */
export function promptLength(prompt: string): number {
  return [...prompt].length;
}

export const GENERATION_DEFAULTS: GenerationRequest = {
  prompt: "",
  videoUrl: "",
  imageUrls: [],
  duration: LIMITS.durationDefault,
  aspectRatio: "16:9",
  quality: "720p",
  keepOriginalSound: true,
  elementIds: [],
  watermark: false,
  variants: 1,
};
