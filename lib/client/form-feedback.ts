"use client";
// The form's feedback on its own values: errors that go stale when a related field changes, the aspect ratio that
// follows the reference video.
import { useEffect, useRef, useState } from "react";
import type { Path, UseFormReturn } from "react-hook-form";
import type { AspectRatio } from "../evolink/contract";
import { GENERATION_DEFAULTS } from "../generation/rules";
import type { GenerationRequest } from "../generation/schema";
import { nearestAspectRatio } from "../media/aspect";
import type { TaskView } from "../tasks/view";
import type { ReferenceFile } from "./use-reference-media";

// The prompt's tokens and the reference limit read all of these, so a change to one can fix another's error.
const REFERENCE_RULES: Path<GenerationRequest>[] = ["prompt", "videoUrl", "imageUrls", "elementIds"];

/** After a refused Generate, a reference attached or removed re-checks every rule that reads the references. */
export function useStaleErrorsCleared({ watch, trigger }: UseFormReturn<GenerationRequest>, revalidate: boolean) {
  useEffect(() => {
    if (!revalidate) return;
    const subscription = watch((_values, { name }) => {
      if (name && name !== "prompt" && REFERENCE_RULES.includes(name)) void trigger(REFERENCE_RULES);
    });
    return () => subscription.unsubscribe();
  }, [watch, trigger, revalidate]);
}

/**
 * The aspect ratio follows the reference video's shape once its size is known, unless the person chose one
 * themselves (the value is neither the default nor the last one set here). Returns what to say when the chosen
 * ratio differs from the video's shape.
 */
export function useAspectFollowsVideo(
  form: UseFormReturn<GenerationRequest>,
  video: ReferenceFile | null,
  chosen: AspectRatio,
): string | undefined {
  const size = video?.facts && "container" in video.facts ? video.facts : null;
  const shape = size ? nearestAspectRatio(size.width, size.height) : null;
  const lastSet = useRef<AspectRatio>(GENERATION_DEFAULTS.aspectRatio);
  const { getValues, setValue } = form;
  useEffect(() => {
    if (!shape || getValues("aspectRatio") !== lastSet.current) return;
    lastSet.current = shape;
    setValue("aspectRatio", shape);
  }, [shape, getValues, setValue]);
  if (!size || shape === chosen) return undefined;
  return `The reference video is ${size.width}×${size.height} (${shape}); this result will be ${chosen}.`;
}

/** How many tasks the last Generate started (for the note beside the button), passed on to `onStarted`. */
export function useStartedCount(onStarted: (tasks: TaskView[]) => void) {
  const [count, setCount] = useState(0);
  const started = (tasks: TaskView[]) => {
    setCount(tasks.length);
    onStarted(tasks);
  };
  return [count, started] as const;
}
