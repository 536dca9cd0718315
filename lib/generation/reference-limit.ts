import { LIMITS } from "../evolink/contract";

// Said only after a refusal, from modules loaded after the first screen.

/** The reference limit in the words that fit: elements are named only when some are attached (they share it). */
export function referenceLimitText(elementCount: number): string {
  const max = LIMITS.maxReferenceImages;
  if (elementCount === 0) return `at most ${max} reference images`;
  return `with a video, images and elements together are at most ${max}, and ${elementCount} element${elementCount === 1 ? " is" : "s are"} attached`;
}
