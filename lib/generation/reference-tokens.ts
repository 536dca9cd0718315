import { elementToken, imageToken, TOKEN_PATTERN as TOKEN } from "../evolink/contract";

// Reference tokens in a prompt (their syntax: CONTRACT.md, "Reference tokens"): checking, highlighting, renumbering.

const NUMBERED = {
  image: { one: "an image", none: "no reference images are attached", noun: "image" },
  element: { one: "an element", none: "no elements are attached", noun: "element" },
} as const;

/** Why a token cannot be resolved against what is attached, or null when it can. */
export function tokenProblem(name: string, imageCount: number, hasVideo: boolean, elementCount = 0): string | null {
  if (name === "video_1") return hasVideo ? null : "<<<video_1>>> needs a reference video.";
  const numbered = /^(image|element)_(\d+)$/.exec(name);
  if (!numbered) {
    return `<<<${name}>>> is not a reference token. Use <<<video_1>>>, <<<image_N>>> or <<<element_N>>>.`;
  }
  const kind = numbered[1] as keyof typeof NUMBERED;
  const count = kind === "image" ? imageCount : elementCount;
  const index = Number(numbered[2]);
  if (index >= 1 && index <= count) return null;
  const words = NUMBERED[kind];
  return count === 0
    ? `<<<${name}>>> points at ${words.one}, but ${words.none}.`
    : `<<<${name}>>> points at no ${words.noun}: ${count} attached, so use ${words.noun}_1 to ${words.noun}_${count}.`;
}

export function referenceTokenProblems(
  prompt: string,
  imageCount: number,
  hasVideo: boolean,
  elementCount = 0,
): string[] {
  const problems = new Set<string>();
  for (const [, name = ""] of prompt.matchAll(TOKEN)) {
    const problem = tokenProblem(name, imageCount, hasVideo, elementCount);
    if (problem) problems.add(problem);
  }
  return [...problems];
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

export type PromptSegment = { text: string; token: false } | { text: string; token: true; problem: string | null };

/** Splits a prompt into plain text and tokens, for highlighting. */
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
      problem: tokenProblem(match[1] ?? "", imageCount, hasVideo, elementCount),
    });
    last = start + match[0].length;
  }
  if (last < prompt.length) segments.push({ text: prompt.slice(last), token: false });
  return segments;
}
