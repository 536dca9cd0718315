"use client";
import type { UseFormReturn } from "react-hook-form";
import { elementToken, LIMITS } from "../evolink/contract";
import type { ElementView } from "../elements/view";
import type { GenerationRequest } from "../generation/schema";
import { mappingAfterRemoval, renumberTokens } from "../generation/reference-tokens";

// The generation's attached elements (local ids, in token order), changed from the Elements panel and the
// attached chips; both load after the first screen, and so does this.

/** What the panel needs of the generation form to attach an element to it. */
export interface ElementTarget {
  form: UseFormReturn<GenerationRequest>;
  imageCount: number;
  revalidate: boolean;
}

/** Attaches `element` within images + elements ≤ 4; says what happened, or why it could not. */
export function attachElement({ form, imageCount, revalidate }: ElementTarget, element: ElementView): string {
  const ids = form.getValues("elementIds") ?? [];
  const at = ids.indexOf(element.id);
  if (at >= 0) return `“${element.name}” is already attached as ${elementToken(at + 1)}.`;
  if (imageCount + ids.length >= LIMITS.maxReferenceImages) {
    return `The generation already has ${LIMITS.maxReferenceImages} images and elements, the most with a reference video. Remove one first.`;
  }
  form.setValue("elementIds", [...ids, element.id], { shouldValidate: revalidate, shouldDirty: true });
  return `“${element.name}” attached as ${elementToken(ids.length + 1)}.`;
}

/** Removes attached element `index` (0-based): its tokens leave the prompt and later ones are renumbered. */
export function detachElement({ form, revalidate }: Omit<ElementTarget, "imageCount">, index: number): void {
  const ids = form.getValues("elementIds") ?? [];
  form.setValue(
    "elementIds",
    ids.filter((_, at) => at !== index),
    { shouldValidate: revalidate },
  );
  form.setValue("prompt", renumberTokens(form.getValues("prompt"), "element", mappingAfterRemoval(index + 1)), {
    shouldValidate: revalidate,
  });
}
