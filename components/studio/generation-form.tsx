"use client";
import { Suspense, useEffect, useImperativeHandle, useState, type ReactNode, type Ref } from "react";
import { useForm, type Path, type UseFormReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { StudioApiError } from "@/lib/client/api";
import { lazyPart } from "@/lib/client/lazy-part";
import { useCreateGeneration } from "@/lib/client/mutations";
import { GENERATION_DEFAULTS, promptLength } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";
import { useGenerationResolver } from "@/lib/client/use-generation-resolver";
import { uploadedUrl, useReferenceMedia, type ReferenceMedia } from "@/lib/client/use-reference-media";
import type { TaskView } from "@/lib/tasks/view";
import { useConfirmGate } from "./confirm-gate";
import { CostEstimate, totalCredits } from "./cost-estimate";
import { VariantsField } from "./generation-settings";
import { FormSettings } from "./form-settings";
import { PromptField } from "./prompt-field";
import { ReferenceFields } from "./reference-fields";
import type { ElementTarget } from "@/lib/client/form-elements";
import { useStartedCount } from "@/lib/client/form-feedback";

// Shown only once an element is attached, or after a remix, so they are not first-load code.
const AttachedElements = lazyPart(() => import("./attached-elements").then((module) => module.AttachedElements));
const RemixNotes = lazyPart(() => import("./remix-notes").then((module) => module.RemixNotes));
const NO_ELEMENTS: string[] = [];

// Shown only after a refused Generate, so not first-load code.
const SubmitFailure = lazyPart(() => import("./form-notices").then((module) => module.SubmitFailure));

const EXAMPLE_PROMPT =
  "<<<video_1>>> a paper boat drifting down a rain-soaked neon street at night, cinematic, shallow depth of field";
const EXAMPLE_VIDEO_URL = "https://media.example.com/reference/street.mp4";

/**
 * What the page can ask of the form from outside: "Use these settings" on a history entry refills it; the
 * element library attaches elements to it (lib/client/form-elements.ts).
 */
export interface GenerationFormHandle {
  remix: (task: TaskView) => Promise<void>;
  elementTarget: () => ElementTarget;
}

type Form = UseFormReturn<GenerationRequest>;

/** Keeps the request's references in step with the chosen files: uploaded images (in order), then pasted URLs. */
function useReferencesInForm(form: Form, media: ReferenceMedia, pastedImageUrls: string[], revalidate: boolean) {
  const { setValue } = form;
  const uploadedImageUrls = media.images.map(uploadedUrl).filter((url): url is string => url !== null);
  const imageListKey = [...uploadedImageUrls, ...pastedImageUrls].join("\n");
  useEffect(() => {
    setValue("imageUrls", imageListKey ? imageListKey.split("\n") : [], { shouldValidate: revalidate });
  }, [imageListKey, setValue, revalidate]);
  const videoFileUrl = media.video ? (uploadedUrl(media.video) ?? "") : null;
  useEffect(() => {
    if (videoFileUrl !== null) setValue("videoUrl", videoFileUrl, { shouldValidate: revalidate });
  }, [videoFileUrl, setValue, revalidate]);
}

/**
 * "Use these settings": refills the form from a history entry; returns the references that expired and the
 * elements deleted from the library since.
 */
function useHandle(
  ref: Ref<GenerationFormHandle>,
  form: Form,
  clearMedia: () => void,
  setPasted: (urls: string[]) => void,
  elementTarget: () => ElementTarget,
) {
  const [left, setLeft] = useState<{ expired: string[]; deletedElements: string[] }>(NOTHING_LEFT);
  useImperativeHandle(
    ref,
    () => ({
      async remix(task) {
        const now = Date.now();
        // Only "Use these settings" needs it, so it is not first-load code.
        const { remixValues } = await import("@/lib/generation/remix");
        const { values, pastedImageUrls, expired, deletedElements } = remixValues(task, now);
        clearMedia();
        form.reset(values);
        setPasted(pastedImageUrls);
        setLeft({ expired, deletedElements });
      },
      elementTarget,
    }),
    [form, clearMedia, setPasted, elementTarget],
  );
  return left;
}

const NOTHING_LEFT = { expired: [], deletedElements: [] };

/** The server's own field checks mark the same fields the browser's would. */
function useServerFieldErrors(error: unknown, setError: Form["setError"]) {
  const fields = error instanceof StudioApiError ? error.body.fields : undefined;
  useEffect(() => {
    for (const [path, message] of Object.entries(fields ?? {})) {
      if (path !== "_") setError(path as Path<GenerationRequest>, { message });
    }
  }, [fields, setError]);
}

function waitingMessage(media: ReferenceMedia): string | null {
  if (media.busy) return "Wait for the upload to finish before generating.";
  if (media.blocked) return "A reference file needs attention: retry or remove the one marked in red.";
  return null;
}

export function GenerationForm({
  ref,
  demo,
  videoUploadMaxBytes,
  confirmAboveCredits,
  onCreated,
  onStarted,
}: {
  ref: Ref<GenerationFormHandle>;
  demo: boolean;
  videoUploadMaxBytes: number;
  confirmAboveCredits: number;
  onCreated: (task: TaskView) => void;
  onStarted: (tasks: TaskView[]) => void;
}) {
  const resolver = useGenerationResolver();
  const form = useForm<GenerationRequest>({ resolver, defaultValues: GENERATION_DEFAULTS, mode: "onTouched" });
  const { register, handleSubmit, watch, setValue, formState } = form;
  const { errors } = formState;
  const revalidate = formState.isSubmitted;
  const media = useReferenceMedia(videoUploadMaxBytes);
  const [pastedImageUrls, setPastedImageUrls] = useState<string[]>([]);
  useReferencesInForm(form, media, pastedImageUrls, revalidate);
  const imageCount = media.images.length + pastedImageUrls.length;
  // watch() rather than useWatch: this component re-renders on these either way, and useWatch is 0.4 kB of first
  // load. The rule guards memoization by the React Compiler, which this project does not use.
  // eslint-disable-next-line react-hooks/incompatible-library
  const [prompt = "", videoUrl = "", quality, duration, watchedElements, variants = 1, aspectRatio] = watch([
    "prompt",
    "videoUrl",
    "quality",
    "duration",
    "elementIds",
    "variants",
    "aspectRatio",
  ]);
  const elementIds = watchedElements ?? NO_ELEMENTS;
  const left = useHandle(ref, form, media.clear, setPastedImageUrls, () => ({ form, imageCount, revalidate }));
  const [startedCount, started] = useStartedCount(onStarted);
  const submit = useCreateGeneration({ onCreated, onStarted: started });
  useServerFieldErrors(submit.error, form.setError);
  const total = totalCredits(quality, duration, variants) ?? 0;
  const [request, confirmation] = useConfirmGate(total, confirmAboveCredits, (values) => submit.mutate(values));

  const failure = submit.error instanceof StudioApiError ? submit.error.body : null;
  const waitingFor = waitingMessage(media);

  return (
    <form
      noValidate
      aria-label="New generation"
      onSubmit={handleSubmit((values) => {
        if (!waitingFor) request(values);
      })}
      className="flex flex-col gap-5"
    >
      {left.expired.length + left.deletedElements.length > 0 && (
        <Suspense fallback={null}>
          <RemixNotes expired={left.expired} deletedElements={left.deletedElements} />
        </Suspense>
      )}

      <PromptField
        registration={register("prompt")}
        value={prompt}
        length={promptLength(prompt)}
        error={errors.prompt?.message}
        imageCount={imageCount}
        elementCount={elementIds.length}
        hasVideo={Boolean(media.video || videoUrl)}
        onChange={(next) => setValue("prompt", next, { shouldValidate: revalidate, shouldDirty: true })}
      />

      <ReferenceFields
        form={form}
        media={media}
        videoUploadMaxBytes={videoUploadMaxBytes}
        videoUrl={videoUrl}
        pastedImageUrls={pastedImageUrls}
        onPastedImageUrls={setPastedImageUrls}
        elementCount={elementIds.length}
        quality={quality}
        revalidate={revalidate}
      />

      {elementIds.length > 0 && (
        <Suspense fallback={null}>
          <AttachedElements
            elementIds={elementIds}
            error={errors.elementIds?.message ?? errors.elementIds?.root?.message}
            target={{ form, revalidate }}
          />
        </Suspense>
      )}

      <FormSettings form={form} video={media.video} aspectRatio={aspectRatio} revalidate={revalidate} />

      <CostEstimate quality={quality} duration={duration} variants={variants} />

      {failure && (
        <Suspense fallback={null}>
          <SubmitFailure failure={failure} />
        </Suspense>
      )}

      {confirmation}

      <FormActions
        variantsField={<VariantsField register={register} error={errors.variants?.message} />}
        demo={demo}
        waitingFor={waitingFor}
        pending={submit.isPending}
        started={submit.isSuccess ? startedCount : 0}
        onExample={() => {
          setValue("prompt", EXAMPLE_PROMPT, { shouldValidate: true });
          if (!media.video) setValue("videoUrl", EXAMPLE_VIDEO_URL, { shouldValidate: true });
        }}
      />
    </form>
  );
}

function FormActions({
  variantsField,
  demo,
  waitingFor,
  pending,
  started,
  onExample,
}: {
  variantsField: ReactNode;
  demo: boolean;
  waitingFor: string | null;
  pending: boolean;
  /** Tasks the last Generate started, until the next one. */
  started: number;
  onExample: () => void;
}) {
  return (
    <>
      {waitingFor && (
        <p data-testid="submit-blocked" className="text-right text-xs text-amber-700 dark:text-amber-300">
          {waitingFor}
        </p>
      )}

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:items-end sm:justify-end">
        <p
          role="status"
          data-testid="submit-started"
          className="text-xs text-zinc-600 sm:mr-auto sm:self-center dark:text-zinc-300"
        >
          {started > 0 && !pending && `Started${started > 1 ? ` ${started} takes` : ""}: see Generations.`}
        </p>
        {variantsField}
        {demo && (
          <Button type="button" variant="secondary" onClick={onExample}>
            Fill in an example
          </Button>
        )}
        <Button type="submit" disabled={pending || Boolean(waitingFor)} className="sm:min-w-40">
          {pending ? "Sending…" : "Generate"}
        </Button>
      </div>
    </>
  );
}
