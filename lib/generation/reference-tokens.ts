import { elementToken, imageToken, TOKEN_PATTERN as TOKEN } from "../evolink/contract";

// Reference tokens in a prompt (their syntax: CONTRACT.md, "Reference tokens"): resolving, highlighting, renumbering.
// What to say about a broken one is in token-problems.ts, which only validation (loaded after first paint) needs.

/** `image_N` / `element_N` read as its kind and number; null for any other name. */
export function numberedToken(name: string): { kind: "image" | "element"; index: number } | null {
  const numbered = /^(image|element)_(\d+)$/.exec(name);
  return numbered ? { kind: numbered[1] as "image" | "element", index: Number(numbered[2]) } : null;
}

/** Whether a token names something attached: `video_1` with a video, `image_N` / `element_N` within the count. */
export function tokenResolves(name: string, imageCount: number, hasVideo: boolean, elementCount = 0): boolean {
  if (name === "video_1") return hasVideo;
  const numbered = numberedToken(name);
  if (!numbered) return false;
  return numbered.index >= 1 && numbered.index <= (numbered.kind === "image" ? imageCount : elementCount);
}

/**
 * Rewrites `<<<image_N>>>` (or `<<<element_N>>>`) tokens after those references were reordered or removed:
 * `mapping(N)` gives the new number, or null when that one is gone (its tokens are removed rather than left
 * pointing elsewhere).
 */
export function renumberTokens(
  prompt: string,
  kind: "image" | "element",
  mapping: (n: number) => number | null,
): string {
  const pattern = kind === "image" ? /<<<image_(\d+)>>>/g : /<<<element_(\d+)>>>/g;
  const token = kind === "image" ? imageToken : elementToken;
  return prompt
    .replace(pattern, (_, digits: string) => {
      const next = mapping(Number(digits));
      return next === null ? "" : token(next);
    })
    .replace(/ {2,}/g, " ")
    .trimStart();
}

export function renumberImageTokens(prompt: string, mapping: (n: number) => number | null): string {
  return renumberTokens(prompt, "image", mapping);
}

/** Mapping for removing reference `removed` (1-based): later ones move up by one. */
export function mappingAfterRemoval(removed: number): (n: number) => number | null {
  return (n) => (n === removed ? null : n > removed ? n - 1 : n);
}

/** Mapping for moving reference `from` to position `to` (both 1-based). */
export function mappingAfterMove(from: number, to: number): (n: number) => number {
  return (n) => {
    if (n === from) return to;
    if (from < to && n > from && n <= to) return n - 1;
    if (to < from && n >= to && n < from) return n + 1;
    return n;
  };
}

export type PromptSegment = { text: string; token: false } | { text: string; token: true; broken: boolean };

/**
 * Splits a prompt into plain text and tokens, for highlighting. Only whether a token is broken: the messages
 * (tokenProblem) come with validation, which the page loads after its first paint.
 */
export function promptSegments(
  prompt: string,
  imageCount: number,
  hasVideo: boolean,
  elementCount = 0,
): PromptSegment[] {
  const segments: PromptSegment[] = [];
  let last = 0;
  for (const match of prompt.matchAll(TOKEN)) {
    const start = match.index ?? 0;
    if (start > last) segments.push({ text: prompt.slice(last, start), token: false });
    segments.push({
      text: match[0],
      token: true,
      broken: !tokenResolves(match[1] ?? "", imageCount, hasVideo, elementCount),
    });
    last = start + match[0].length;
  }
  if (last < prompt.length) segments.push({ text: prompt.slice(last), token: false });
  return segments;
}
