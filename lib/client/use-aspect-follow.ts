"use client";
import { useEffect, useRef } from "react";
import type { UseFormReturn } from "react-hook-form";
import type { AspectRatio } from "../evolink/contract";
import { GENERATION_DEFAULTS } from "../generation/rules";
import type { GenerationRequest } from "../generation/schema";
import { nearestAspectRatio } from "../media/aspect";

/**
 * The aspect ratio follows the reference video's shape once its size is known, unless the person chose one
 * themselves (the value is neither the default nor the last one set here). Returns the video's shape, so a
 * mismatch can be pointed out.
 */
export function useAspectFollowsVideo(
  form: UseFormReturn<GenerationRequest>,
  size: { width: number; height: number } | null,
): AspectRatio | null {
  const shape = size ? nearestAspectRatio(size.width, size.height) : null;
  const lastSet = useRef<AspectRatio>(GENERATION_DEFAULTS.aspectRatio);
  const { getValues, setValue } = form;
  useEffect(() => {
    if (!shape || getValues("aspectRatio") !== lastSet.current) return;
    lastSet.current = shape;
    setValue("aspectRatio", shape);
  }, [shape, getValues, setValue]);
  return shape;
}
