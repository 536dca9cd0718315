import * as z from "zod/mini";
import { referenceTokenProblems } from "./reference-tokens";

/** Limits from upstream-api.md §1.1 (kling-o3-reference-to-video). */
export const LIMITS = {
  promptMaxChars: 2500,
  durationMin: 3,
  durationMax: 10,
  maxReferenceImages: 4,
  urlMaxChars: 2048,
} as const;

export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export const QUALITIES = ["720p", "1080p"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type Quality = (typeof QUALITIES)[number];

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

const referenceUrl = z.string({ error: "Enter a URL." }).check(
  z.trim(),
  z.minLength(1, { error: "Enter a URL." }),
  z.maxLength(LIMITS.urlMaxChars, { error: `URLs can be at most ${LIMITS.urlMaxChars} characters.` }),
  z.superRefine((value, ctx) => {
    const problem = referenceUrlProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
  }),
);

/**
 * The one schema for a generation request: the form validates with it (zodResolver) and the
 * /api/generations route validates the JSON body with it again. Written with zod/mini, whose checks
 * tree-shake, because this schema ships in the studio page's first-load JavaScript.
 */
export const generationRequestSchema = z
  .strictObject(
    {
      prompt: z.string({ error: "Write a prompt." }).check(
        z.trim(),
        z.minLength(1, { error: "Write a prompt describing the video you want." }),
        z.maxLength(LIMITS.promptMaxChars, {
          error: (issue) =>
            `The prompt is ${promptLength(String(issue.input))} characters; the limit is ${LIMITS.promptMaxChars}. Shorten it.`,
        }),
      ),
      videoUrl: referenceUrl,
      imageUrls: z.array(referenceUrl, { error: "Image URLs must be a list." }).check(
        z.maxLength(LIMITS.maxReferenceImages, {
          error: (issue) =>
            `${(issue.input as unknown[]).length} reference images given; at most ${LIMITS.maxReferenceImages} are allowed. Remove some.`,
        }),
      ),
      duration: z.number({ error: "Duration must be a whole number of seconds." }).check(
        z.refine((value) => Number.isInteger(value), { error: "Duration must be a whole number of seconds (no fractions)." }),
        z.minimum(LIMITS.durationMin, { error: `Duration must be at least ${LIMITS.durationMin} seconds.` }),
        z.maximum(LIMITS.durationMax, { error: `Duration can be at most ${LIMITS.durationMax} seconds for this model.` }),
      ),
      aspectRatio: z.enum(ASPECT_RATIOS, { error: "Choose 16:9, 9:16 or 1:1." }),
      quality: z.enum(QUALITIES, { error: "Choose 720p or 1080p (this model has no 4K)." }),
      keepOriginalSound: z.boolean({ error: "Keep original sound must be on or off." }),
    },
    {
      error: (issue) =>
        issue.code === "unrecognized_keys"
          ? `Unknown field: ${issue.keys.join(", ")}.`
          : issue.code === "invalid_type"
            ? "The request must be a JSON object with prompt, videoUrl, imageUrls, duration, aspectRatio, quality and keepOriginalSound."
            : undefined,
    },
  )
  .check(
    z.superRefine((request, ctx) => {
      for (const message of referenceTokenProblems(request.prompt, request.imageUrls.length, true)) {
        ctx.addIssue({ code: "custom", path: ["prompt"], message, input: request.prompt });
      }
    }),
  );

export type GenerationRequest = z.infer<typeof generationRequestSchema>;

export const GENERATION_DEFAULTS: GenerationRequest = {
  prompt: "",
  videoUrl: "",
  imageUrls: [],
  duration: 5,
  aspectRatio: "16:9",
  quality: "720p",
  keepOriginalSound: true,
};

/** Field path → first message, e.g. { prompt: "…", "imageUrls.1": "…" }; top-level issues go under "_". */
export function fieldErrors(error: z.core.$ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= issue.message;
  }
  return fields;
}

/** Task ids as Evolink issues them (upstream-api.md §1.5); anything else never reaches the upstream. */
export const TASK_ID_PATTERN = /^task-unified-\d{1,12}-[a-z0-9]{8}$/;
