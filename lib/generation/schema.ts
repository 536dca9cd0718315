import * as z from "zod/mini";
import { promptLength, VARIANTS_MAX } from "./rules";
import { referenceUrlProblem } from "./url-rules";
import { ASPECT_RATIOS, LIMITS, QUALITIES } from "../evolink/contract";
import { referenceTokenProblems } from "./token-problems";
import { ELEMENT_ID_PATTERN } from "../elements/ids";

const urlSchema = (missing: string) =>
  z.string({ error: "Enter a URL." }).check(
    z.trim(),
    z.minLength(1, { error: missing }),
    z.maxLength(LIMITS.urlMaxChars, { error: `URLs can be at most ${LIMITS.urlMaxChars} characters.` }),
    z.superRefine((value, ctx) => {
      const problem = referenceUrlProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
    }),
  );

export const referenceUrl = urlSchema("Enter a URL.");
/** The form shows a missing video on its drop zone, so the words fit a file as well as a link. */
const NO_VIDEO_MESSAGE = "Add a reference video: drop or choose a file, or paste its public https link.";

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
      videoUrl: urlSchema(NO_VIDEO_MESSAGE),
      imageUrls: z.array(referenceUrl, { error: "Image URLs must be a list." }).check(
        z.maxLength(LIMITS.maxReferenceImages, {
          error: (issue) =>
            `${(issue.input as unknown[]).length} reference images given; at most ${LIMITS.maxReferenceImages} are allowed. Remove some.`,
        }),
      ),
      duration: z.number({ error: "Duration must be a whole number of seconds." }).check(
        z.refine((value) => Number.isInteger(value), {
          error: "Duration must be a whole number of seconds (no fractions).",
        }),
        z.minimum(LIMITS.durationMin, { error: `Duration must be at least ${LIMITS.durationMin} seconds.` }),
        z.maximum(LIMITS.durationMax, {
          error: `Duration can be at most ${LIMITS.durationMax} seconds for this model.`,
        }),
      ),
      aspectRatio: z.enum(ASPECT_RATIOS, { error: "Choose 16:9, 9:16 or 1:1." }),
      quality: z.enum(QUALITIES, { error: "Choose 720p or 1080p (this model has no 4K)." }),
      keepOriginalSound: z.boolean({ error: "Keep original sound must be on or off." }),
      // Local ids of elements in this studio's library; the server sends their upstream element_ids.
      elementIds: z.optional(
        z.array(
          z.string({ error: "Element ids must be text." }).check(z.regex(ELEMENT_ID_PATTERN, "Unknown element id.")),
          {
            error: "Element ids must be a list.",
          },
        ),
      ),
      watermark: z.optional(z.boolean({ error: "Add watermark must be on or off." })),
      // Takes of one setting, each its own upstream task (lib/generation/variants.ts derives their keys).
      variants: z.optional(
        z.number({ error: `Variants must be a whole number from 1 to ${VARIANTS_MAX}.` }).check(
          z.refine((value) => Number.isInteger(value), { error: "Variants must be a whole number (no fractions)." }),
          z.minimum(1, { error: "Variants must be at least 1." }),
          z.maximum(VARIANTS_MAX, { error: `Variants can be at most ${VARIANTS_MAX} takes per Generate.` }),
        ),
      ),
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
      const elementCount = request.elementIds?.length ?? 0;
      for (const message of referenceTokenProblems(request.prompt, request.imageUrls.length, true, elementCount)) {
        ctx.addIssue({ code: "custom", path: ["prompt"], message, input: request.prompt });
      }
      const problem = referenceCountProblem(request.imageUrls.length, elementCount);
      if (problem) ctx.addIssue({ code: "custom", path: ["elementIds"], message: problem, input: request.elementIds });
      if (new Set(request.elementIds).size !== elementCount) {
        ctx.addIssue({
          code: "custom",
          path: ["elementIds"],
          message: "Each element can be attached once.",
          input: [],
        });
      }
    }),
  );

/** Images and elements together are at most 4 with a video (CONTRACT.md, "The create request"); null when within. */
export function referenceCountProblem(imageCount: number, elementCount: number): string | null {
  const total = imageCount + elementCount;
  // With no elements, the image list's own limit says it, without naming elements.
  if (elementCount === 0 || total <= LIMITS.maxReferenceImages) return null;
  return `${imageCount} image${imageCount === 1 ? "" : "s"} and ${elementCount} element${elementCount === 1 ? "" : "s"} attached; with a reference video, images and elements together are at most ${LIMITS.maxReferenceImages}. Remove ${total - LIMITS.maxReferenceImages}.`;
}

export type GenerationRequest = z.infer<typeof generationRequestSchema>;

/** Field path → first message, e.g. { prompt: "…", "imageUrls.1": "…" }; top-level issues go under "_". */
export function fieldErrors(error: z.core.$ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_";
    fields[key] ??= issue.message;
  }
  return fields;
}
