"use client";
import { useWatch, type UseFormReturn } from "react-hook-form";
import { elementToken, LIMITS } from "../evolink/contract";
import type { ElementView } from "../elements/view";
import type { GenerationRequest } from "../generation/schema";
import { mappingAfterRemoval, renumberTokens } from "../generation/reference-tokens";

const NO_ELEMENTS: string[] = [];

/**
 * The generation's attached elements (local ids, in token order): "Use" in the library attaches one, within
 * images + elements ≤ 4; removing one takes its tokens out of the prompt and renumbers the later ones.
 */
export function useFormElements(form: UseFormReturn<GenerationRequest>, imageCount: number, revalidate: boolean) {
  const { control, getValues, setValue } = form;
  const elementIds = useWatch({ control, name: "elementIds" }) ?? NO_ELEMENTS;

  /** Attaches `element`; says what happened, or why it could not. */
  const attach = (element: ElementView): string => {
    const ids = getValues("elementIds") ?? [];
    const at = ids.indexOf(element.id);
    if (at >= 0) return `“${element.name}” is already attached as ${elementToken(at + 1)}.`;
    if (imageCount + ids.length >= LIMITS.maxReferenceImages) {
      return `The generation already has ${LIMITS.maxReferenceImages} images and elements, the most with a reference video. Remove one first.`;
    }
    setValue("elementIds", [...ids, element.id], { shouldValidate: revalidate, shouldDirty: true });
    return `“${element.name}” attached as ${elementToken(ids.length + 1)}.`;
  };

  const remove = (index: number) => {
    const ids = getValues("elementIds") ?? [];
    setValue(
      "elementIds",
      ids.filter((_, at) => at !== index),
      { shouldValidate: revalidate },
    );
    setValue("prompt", renumberTokens(getValues("prompt"), "element", mappingAfterRemoval(index + 1)), {
      shouldValidate: revalidate,
    });
  };

  return { elementIds, attach, remove };
}
