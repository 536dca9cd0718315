import { TOKEN_PATTERN as TOKEN } from "../evolink/contract";
import { numberedToken, tokenResolves } from "./reference-tokens";

// What to say about a token that names nothing attached: used by the shared schema, so by validation in the form
// (loaded after the page's first paint) and on the server.

const NUMBERED = {
  image: { one: "an image", none: "no reference images are attached", noun: "image" },
  element: { one: "an element", none: "no elements are attached", noun: "element" },
} as const;

/** Why a token cannot be resolved against what is attached, or null when it can. */
export function tokenProblem(name: string, imageCount: number, hasVideo: boolean, elementCount = 0): string | null {
  if (tokenResolves(name, imageCount, hasVideo, elementCount)) return null;
  if (name === "video_1") return "<<<video_1>>> needs a reference video.";
  const numbered = numberedToken(name);
  if (!numbered) {
    return `<<<${name}>>> is not a reference token. Use <<<video_1>>>, <<<image_N>>> or <<<element_N>>>.`;
  }
  const { kind } = numbered;
  const count = kind === "image" ? imageCount : elementCount;
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
