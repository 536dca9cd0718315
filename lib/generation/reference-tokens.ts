import { imageToken, TOKEN_PATTERN as TOKEN } from "../evolink/contract";

// Reference tokens in a prompt (their syntax: CONTRACT.md, "Reference tokens"): checking, highlighting, renumbering.

/** Why a token cannot be resolved against what is attached, or null when it can. */
export function tokenProblem(name: string, imageCount: number, hasVideo: boolean): string | null {
  if (name === "video_1") return hasVideo ? null : "<<<video_1>>> needs a reference video.";
  const image = /^image_(\d+)$/.exec(name);
  if (!image) return `<<<${name}>>> is not a reference token. Use <<<video_1>>> or <<<image_N>>>.`;
  const index = Number(image[1]);
  if (index >= 1 && index <= imageCount) return null;
  return imageCount === 0
    ? `<<<${name}>>> points at an image, but no reference images are attached.`
    : `<<<${name}>>> points at no image: ${imageCount} attached, so use image_1 to image_${imageCount}.`;
}

export function referenceTokenProblems(prompt: string, imageCount: number, hasVideo: boolean): string[] {
  const problems = new Set<string>();
  for (const [, name = ""] of prompt.matchAll(TOKEN)) {
    const problem = tokenProblem(name, imageCount, hasVideo);
    if (problem) problems.add(problem);
  }
  return [...problems];
}

/**
 * Rewrites `<<<image_N>>>` tokens after images were reordered or removed: `mapping(N)` gives the new
 * number, or null when that image is gone (its tokens are removed rather than left pointing elsewhere).
 */
export function renumberImageTokens(prompt: string, mapping: (n: number) => number | null): string {
  return prompt
    .replace(/<<<image_(\d+)>>>/g, (token, digits: string) => {
      const next = mapping(Number(digits));
      return next === null ? "" : imageToken(next);
    })
    .replace(/ {2,}/g, " ")
    .trimStart();
}

/** Mapping for removing image `removed` (1-based): later images move up by one. */
export function mappingAfterRemoval(removed: number): (n: number) => number | null {
  return (n) => (n === removed ? null : n > removed ? n - 1 : n);
}

/** Mapping for moving image `from` to position `to` (both 1-based). */
export function mappingAfterMove(from: number, to: number): (n: number) => number {
  return (n) => {
    if (n === from) return to;
    if (from < to && n > from && n <= to) return n - 1;
    if (to < from && n >= to && n < from) return n + 1;
    return n;
  };
}

export type PromptSegment = { text: string; token: false } | { text: string; token: true; problem: string | null };

/** Splits a prompt into plain text and tokens, for highlighting. */
export function promptSegments(prompt: string, imageCount: number, hasVideo: boolean): PromptSegment[] {
  const segments: PromptSegment[] = [];
  let last = 0;
  for (const match of prompt.matchAll(TOKEN)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ text: prompt.slice(last, start), token: false });
    segments.push({ text: match[0], token: true, problem: tokenProblem(match[1] ?? "", imageCount, hasVideo) });
    last = start + match[0].length;
  }
  if (last < prompt.length) segments.push({ text: prompt.slice(last), token: false });
  return segments;
}
