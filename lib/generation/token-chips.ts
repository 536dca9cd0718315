import { numberedToken } from "./reference-tokens";

// Tokens as a person reads them (chips, "Image 2") and as other tools write them ("@Image2"). Apart from
// reference-tokens.ts so that the page's first load, which highlights tokens, does not carry them.

export type ReferenceKind = "video" | "image" | "element";

/**
 * What a token (`<<<image_2>>>`, or its name `image_2`) names, for showing it as a chip: `video_1` is the video;
 * null for a name that is no reference.
 */
export function tokenReference(token: string): { kind: ReferenceKind; index: number; label: string } | null {
  const name = token.replace(/^<<<(.*)>>>$/, "$1");
  if (name === "video_1") return { kind: "video", index: 1, label: "Video" };
  const numbered = numberedToken(name);
  if (!numbered) return null;
  return { ...numbered, label: `${numbered.kind === "image" ? "Image" : "Element"} ${numbered.index}` };
}

// "@Image1", "@image_2", "@Element-1", "@Video" as other tools write them (not inside a word, such as an address).
const FOREIGN_TOKEN = /(?<![\w@.])@(video|image|element)(?:[ _-]?(\d+))?\b/gi;

/** Text pasted from other tools with its `@Image1`-style references turned into this studio's tokens. */
export function convertForeignTokens(text: string): string {
  return text.replace(FOREIGN_TOKEN, (whole, kind: string, digits: string | undefined) => {
    const lower = kind.toLowerCase();
    if (lower === "video") return !digits || digits === "1" ? "<<<video_1>>>" : whole;
    return digits ? `<<<${lower}_${Number(digits)}>>>` : whole;
  });
}

/** A prompt as plain text a person reads (a tooltip, a button's name): each known token by its name, "Image 2". */
export function readablePrompt(prompt: string): string {
  return prompt.replace(/<<<[^<>]*>>>/g, (token) => tokenReference(token)?.label ?? token);
}
