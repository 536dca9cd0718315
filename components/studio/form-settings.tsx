"use client";
import { Suspense, useState } from "react";
import type { UseFormReturn } from "react-hook-form";
import { lazyPart } from "@/lib/client/lazy-part";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import type { AspectRatio } from "@/lib/evolink/contract";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";
import { GenerationSettings } from "./generation-settings";

// Needed once a video's size is known, or after a refused Generate.
const FormWatchers = lazyPart(() => import("./form-notices").then((module) => module.FormWatchers));

/** The settings, with the aspect ratio following the reference video and, after a refusal, errors kept fresh. */
export function FormSettings({
  form,
  video,
  aspectRatio,
  revalidate,
}: {
  form: UseFormReturn<GenerationRequest>;
  video: ReferenceFile | null;
  aspectRatio: AspectRatio;
  revalidate: boolean;
}) {
  // The last ratio set to follow a video: a different value is the person's own choice, kept.
  const [followed, setFollowed] = useState<AspectRatio>(GENERATION_DEFAULTS.aspectRatio);
  const size = video?.facts && "container" in video.facts ? video.facts : null;
  return (
    <GenerationSettings
      register={form.register}
      errors={form.formState.errors}
      aspectNote={
        (size || revalidate) && (
          <Suspense fallback={null}>
            <FormWatchers
              form={form}
              revalidate={revalidate}
              size={size}
              chosen={aspectRatio}
              followed={followed}
              onFollow={setFollowed}
            />
          </Suspense>
        )
      }
    />
  );
}
