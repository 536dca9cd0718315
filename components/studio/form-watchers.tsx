"use client";
import { useEffect } from "react";
import type { Path, UseFormReturn } from "react-hook-form";
import type { AspectRatio } from "@/lib/evolink/contract";
import type { GenerationRequest } from "@/lib/generation/schema";
import { nearestAspectRatio } from "@/lib/media/aspect";

// Parts of the form that matter only once a video's size is known or a Generate was refused: not first-load code.

type Form = UseFormReturn<GenerationRequest>;

// The prompt's tokens and the reference limit read all of these, so a change to one can fix another's error.
const REFERENCE_RULES: Path<GenerationRequest>[] = ["prompt", "videoUrl", "imageUrls", "elementIds"];

/** After a refused Generate, a reference attached or removed re-checks every rule that reads the references. */
function useRecheckReferences({ watch, trigger }: Form, enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    const subscription = watch((_values, { name }) => {
      if (name && name !== "prompt" && REFERENCE_RULES.includes(name)) void trigger(REFERENCE_RULES);
    });
    return () => subscription.unsubscribe();
  }, [watch, trigger, enabled]);
}

/** The settings' watchers, one lazy part: references re-checked after a refusal, the aspect ratio following. */
export function FormWatchers({
  form,
  revalidate,
  size,
  ...follow
}: {
  form: Form;
  revalidate: boolean;
  size: { width: number; height: number } | null;
  chosen: AspectRatio;
  followed: AspectRatio;
  onFollow: (shape: AspectRatio) => void;
}) {
  useRecheckReferences(form, revalidate);
  // The select names the note either way, so it is there (empty) until a video's size is known.
  return size ? <AspectFollow form={form} size={size} {...follow} /> : <p id="aspectRatio-note" hidden />;
}

/**
 * The aspect ratio follows the reference video's shape, unless the person chose one themselves (the value is
 * neither the default nor `followed`, the last one set here); a ratio that differs from the shape is pointed out.
 */
function AspectFollow({
  form: { getValues, setValue },
  size,
  chosen,
  followed,
  onFollow,
}: {
  form: Form;
  size: { width: number; height: number };
  chosen: AspectRatio;
  followed: AspectRatio;
  onFollow: (shape: AspectRatio) => void;
}) {
  const shape = nearestAspectRatio(size.width, size.height);
  useEffect(() => {
    if (getValues("aspectRatio") !== followed || followed === shape) return;
    onFollow(shape);
    setValue("aspectRatio", shape);
  }, [shape, getValues, setValue, followed, onFollow]);
  return (
    <p
      id="aspectRatio-note"
      data-testid="aspect-note"
      hidden={shape === chosen}
      className="-mt-2 text-xs text-amber-700 dark:text-amber-300"
    >
      {shape !== chosen &&
        `The reference video is ${size.width}×${size.height} (${shape}); this result will be ${chosen}.`}
    </p>
  );
}
