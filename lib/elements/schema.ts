import * as z from "zod/mini";
import { ELEMENT_LIMITS } from "../evolink/element-contract";
import { referenceUrl } from "../generation/schema";
import { promptLength } from "../generation/rules";

/** The library's previews: at most this wide and high, and this long as a data URL. */
export const ELEMENT_THUMBNAIL = { sidePx: 160, maxChars: 40_000 } as const;

const text = (label: string, max: number) =>
  z.string({ error: `Write a ${label}.` }).check(
    z.trim(),
    z.minLength(1, { error: `Write a ${label}.` }),
    z.refine((value) => promptLength(value) <= max, {
      error: (issue) =>
        `The ${label} is ${promptLength(String(issue.input))} characters; the limit is ${max}. Shorten it.`,
    }),
  );

/**
 * A New element request (CONTRACT.md, "Elements"): the form validates with it and /api/elements again. The
 * images follow the reference images' rules; only image elements are made (the video kind does not work with
 * reference-to-video).
 */
export const elementRequestSchema = z.strictObject(
  {
    name: text("name", ELEMENT_LIMITS.nameMaxChars),
    description: text("description", ELEMENT_LIMITS.descriptionMaxChars),
    frontalImageUrl: z.string({ error: "Give a frontal image." }).check(
      z.trim(),
      z.minLength(1, { error: "Give a frontal image (upload one or paste its https link)." }),
      z.superRefine((value, ctx) => {
        const checked = referenceUrl.safeParse(value);
        if (!checked.success) ctx.addIssue({ code: "custom", message: checked.error.issues[0]!.message, input: value });
      }),
    ),
    extraImageUrls: z.array(referenceUrl, { error: "Extra angles must be a list." }).check(
      z.refine((list) => list.length >= ELEMENT_LIMITS.minExtraAngles && list.length <= ELEMENT_LIMITS.maxExtraAngles, {
        error: (issue) =>
          `${(issue.input as unknown[]).length} extra angles given; give ${ELEMENT_LIMITS.minExtraAngles} to ${ELEMENT_LIMITS.maxExtraAngles} more views of the subject besides the frontal image.`,
      }),
    ),
    // A small preview the browser made from an uploaded frontal image; never sent upstream.
    thumbnail: z.optional(
      z.string().check(
        z.maxLength(ELEMENT_THUMBNAIL.maxChars, { error: "The thumbnail is too large." }),
        z.regex(/^data:image\/jpeg;base64,[A-Za-z0-9+/]+={0,2}$/, {
          error: "The thumbnail must be a JPEG data URL.",
        }),
      ),
    ),
  },
  {
    error: (issue) =>
      issue.code === "unrecognized_keys"
        ? `Unknown field: ${issue.keys.join(", ")}.`
        : issue.code === "invalid_type"
          ? "The request must be a JSON object with name, description, frontalImageUrl and extraImageUrls."
          : undefined,
  },
);

export type ElementRequest = z.infer<typeof elementRequestSchema>;

/** A local rename: the same name rule as at creation. */
export const elementRenameSchema = z.strictObject(
  { name: text("name", ELEMENT_LIMITS.nameMaxChars) },
  { error: (issue) => (issue.code === "invalid_type" ? "Send a JSON object with name." : undefined) },
);
