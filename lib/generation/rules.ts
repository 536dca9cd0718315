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

/** Images and elements together are at most 4 with a video (CONTRACT.md, "The create request"); null when within. */
export function referenceCountProblem(imageCount: number, elementCount: number): string | null {
  const total = imageCount + elementCount;
  if (total <= LIMITS.maxReferenceImages) return null;
  return `${imageCount} image${imageCount === 1 ? "" : "s"} and ${elementCount} element${elementCount === 1 ? "" : "s"} attached; with a reference video, images and elements together are at most ${LIMITS.maxReferenceImages}. Remove ${total - LIMITS.maxReferenceImages}.`;
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
};
