"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { Controller, useForm, type Path } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { controlClass, describedBy, Field } from "@/components/ui/field";
import {
  ASPECT_RATIOS,
  GENERATION_DEFAULTS,
  generationRequestSchema,
  promptLength,
  QUALITIES,
  type GenerationRequest,
} from "@/lib/generation-schema";
import { createGeneration, StudioApiError } from "@/lib/studio-api";
import type { TaskView } from "@/lib/task-view";
import { CostEstimate } from "./cost-estimate";
import { ImageUrlsField } from "./image-urls-field";
import { PromptField } from "./prompt-field";

const EXAMPLE: Partial<GenerationRequest> = {
  prompt: "<<<video_1>>> a paper boat drifting down a rain-soaked neon street at night, cinematic, shallow depth of field",
  videoUrl: "https://files.evolink.ai/examples/reference-street.mp4",
};

export function GenerationForm({ demo, onCreated }: { demo: boolean; onCreated: (task: TaskView) => void }) {
  const form = useForm<GenerationRequest>({
    resolver: zodResolver(generationRequestSchema),
    defaultValues: GENERATION_DEFAULTS,
    mode: "onTouched",
  });
  const { register, handleSubmit, control, setError, watch, setValue, formState } = form;
  const { errors } = formState;

  const submit = useMutation({
    mutationFn: createGeneration,
    onSuccess: onCreated,
    onError: (error) => {
      if (!(error instanceof StudioApiError)) return;
      for (const [path, message] of Object.entries(error.body.fields ?? {})) {
        if (path !== "_") setError(path as Path<GenerationRequest>, { message });
      }
    },
  });

  const promptChars = promptLength(watch("prompt") ?? "");
  const failure = submit.error instanceof StudioApiError ? submit.error.body : null;
  const imageUrlsError =
    errors.imageUrls?.message ??
    (Array.isArray(errors.imageUrls)
      ? errors.imageUrls.map((e, line) => (e?.message ? `Line ${line + 1}: ${e.message}` : undefined)).find(Boolean)
      : undefined);

  return (
    <form
      noValidate
      aria-label="New generation"
      onSubmit={handleSubmit((values) => submit.mutate(values))}
      className="flex flex-col gap-5"
    >
      <PromptField registration={register("prompt")} length={promptChars} error={errors.prompt?.message} />

      <Field
        id="videoUrl"
        label="Reference video URL"
        hint="A public https link to an MP4 or MOV: at least 3 s, 720–2160 px per side, 24–60 fps, up to 200 MB."
        error={errors.videoUrl?.message}
      >
        <input
          id="videoUrl"
          type="url"
          inputMode="url"
          spellCheck={false}
          placeholder="https://example.com/reference.mp4"
          aria-invalid={Boolean(errors.videoUrl)}
          aria-describedby={describedBy("videoUrl", errors.videoUrl?.message, true)}
          className={`${controlClass} font-mono text-xs`}
          {...register("videoUrl")}
        />
      </Field>

      <Controller
        control={control}
        name="imageUrls"
        render={({ field }) => (
          <ImageUrlsField value={field.value} onChange={field.onChange} onBlur={field.onBlur} error={imageUrlsError} />
        )}
      />

      <div className="grid grid-cols-3 gap-3 sm:gap-4">
        <Field id="duration" label="Duration" hint="3–10 s" error={errors.duration?.message}>
          <input
            id="duration"
            type="number"
            min={3}
            max={10}
            step={1}
            aria-invalid={Boolean(errors.duration)}
            aria-describedby={describedBy("duration", errors.duration?.message, true)}
            className={controlClass}
            {...register("duration", { valueAsNumber: true })}
          />
        </Field>
        <Field id="aspectRatio" label="Aspect ratio" error={errors.aspectRatio?.message}>
          <select id="aspectRatio" className={controlClass} {...register("aspectRatio")}>
            {ASPECT_RATIOS.map((ratio) => (
              <option key={ratio}>{ratio}</option>
            ))}
          </select>
        </Field>
        <Field id="quality" label="Quality" error={errors.quality?.message}>
          <select id="quality" className={controlClass} {...register("quality")}>
            {QUALITIES.map((quality) => (
              <option key={quality}>{quality}</option>
            ))}
          </select>
        </Field>
      </div>

      <label className="flex items-start gap-3 text-sm">
        <input
          type="checkbox"
          className="mt-0.5 size-4 rounded border-zinc-300 accent-violet-600"
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

      <CostEstimate quality={watch("quality")} duration={watch("duration")} />

      {failure && (
        <Alert tone="error" live testId="form-error" title={failure.message}>
          <p>{failure.action}</p>
          {failure.detail && <p className="mt-1 font-mono text-xs opacity-80">Evolink said: {failure.detail}</p>}
        </Alert>
      )}

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {demo && (
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              for (const [name, value] of Object.entries(EXAMPLE)) {
                setValue(name as keyof GenerationRequest, value as never, { shouldValidate: true });
              }
            }}
          >
            Fill in an example
          </Button>
        )}
        <Button type="submit" disabled={submit.isPending} className="sm:min-w-40">
          {submit.isPending ? "Submitting…" : "Generate"}
        </Button>
      </div>
    </form>
  );
}
