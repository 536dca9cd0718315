"use client";
import type { ReactNode } from "react";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { Checkbox } from "@/components/ui/checkbox";
import { describedBy, Field } from "@/components/ui/field";
import { Input, Select } from "@/components/ui/input";
import { ASPECT_RATIOS, LIMITS, QUALITIES } from "@/lib/evolink/contract";
import { DURATION_RANGE_TEXT, VARIANTS_MAX } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";

export function GenerationSettings({
  register,
  errors,
  aspectNote,
}: {
  register: UseFormRegister<GenerationRequest>;
  errors: FieldErrors<GenerationRequest>;
  /** With a reference video of known size: the note (`#aspectRatio-note`) on how its shape and the ratio compare. */
  aspectNote?: ReactNode;
}) {
  return (
    <>
      <div className="grid grid-cols-3 gap-3 sm:gap-4">
        <Field id="duration" label="Duration" hint={DURATION_RANGE_TEXT} error={errors.duration?.message}>
          <Input
            id="duration"
            type="number"
            min={LIMITS.durationMin}
            max={LIMITS.durationMax}
            step={1}
            aria-invalid={Boolean(errors.duration)}
            aria-describedby={describedBy("duration", errors.duration?.message, true)}
            {...register("duration", { valueAsNumber: true })}
          />
        </Field>
        <Field id="aspectRatio" label="Aspect ratio" error={errors.aspectRatio?.message}>
          <Select
            id="aspectRatio"
            aria-describedby={errors.aspectRatio ? "aspectRatio-error" : aspectNote ? "aspectRatio-note" : undefined}
            {...register("aspectRatio")}
          >
            {ASPECT_RATIOS.map((ratio) => (
              <option key={ratio}>{ratio}</option>
            ))}
          </Select>
        </Field>
        <Field id="quality" label="Quality" error={errors.quality?.message}>
          <Select id="quality" {...register("quality")}>
            {QUALITIES.map((quality) => (
              <option key={quality}>{quality}</option>
            ))}
          </Select>
        </Field>
      </div>
      {aspectNote}

      <label className="flex items-start gap-3 text-sm">
        <Checkbox
          size="sm"
          className="mt-0.5"
          aria-describedby="keepOriginalSound-hint"
          {...register("keepOriginalSound")}
        />
        <span>
          <span className="font-medium text-zinc-800 dark:text-zinc-200">Keep original sound</span>
          <span id="keepOriginalSound-hint" className="block text-xs text-zinc-500 dark:text-zinc-400">
            Keep the reference video&apos;s audio track. The model itself generates no sound.
          </span>
        </span>
      </label>

      <label className="flex items-start gap-3 text-sm">
        <Checkbox size="sm" className="mt-0.5" aria-describedby="watermark-hint" {...register("watermark")} />
        <span>
          <span className="font-medium text-zinc-800 dark:text-zinc-200">Add watermark</span>
          <span id="watermark-hint" className="block text-xs text-zinc-500 dark:text-zinc-400">
            Always sent, so the result never rests on an undocumented default.
          </span>
        </span>
      </label>
    </>
  );
}

/** How many takes one Generate makes (1–4), beside the button: each is its own paid task. */
export function VariantsField({ register, error }: { register: UseFormRegister<GenerationRequest>; error?: string }) {
  return (
    <div className="w-20 sm:w-24">
      <Field id="variants" label="Variants" error={error}>
        <Input
          id="variants"
          type="number"
          min={1}
          max={VARIANTS_MAX}
          step={1}
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy("variants", error, false)}
          {...register("variants", { valueAsNumber: true })}
        />
      </Field>
    </div>
  );
}
