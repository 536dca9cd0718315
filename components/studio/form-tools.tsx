"use client";
import type { UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import type { ReferenceMedia } from "@/lib/client/use-reference-media";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";

type Form = UseFormReturn<GenerationRequest>;

/**
 * The panel's heading, with ways to start again: from the bundled sample (demo mode), or a cleared form (and so
 * a cleared draft).
 */
export function FormTools({
  demo,
  form,
  media,
  setPasted,
  onStartOver,
}: {
  demo: boolean;
  form: Form;
  media: ReferenceMedia;
  setPasted: (urls: string[]) => void;
  onStartOver: () => void;
}) {
  const startOver = () => {
    onStartOver();
    media.clear();
    setPasted([]);
  };
  return (
    <div className="flex flex-wrap items-center justify-between gap-2">
      <h2 id="new-generation" className="text-base font-semibold text-zinc-900 dark:text-white">
        New generation
      </h2>
      <div className="flex gap-1">
        {demo && (
          <Button
            variant="secondary"
            size="link"
            className="min-h-11 sm:min-h-9"
            onClick={() => {
              startOver();
              void import("@/lib/client/sample-clip").then((sample) => sample.trySampleClip(form, media));
            }}
          >
            Try a sample clip
          </Button>
        )}
        <Button
          variant="ghost"
          size="link"
          className="min-h-11 sm:min-h-9"
          onClick={() => {
            startOver();
            form.reset(GENERATION_DEFAULTS);
          }}
        >
          Clear
        </Button>
      </div>
    </div>
  );
}
