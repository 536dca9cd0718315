"use client";
import { Suspense, useEffect, useImperativeHandle, useState, type KeyboardEvent, type Ref } from "react";
import { useForm, type UseFormReturn } from "react-hook-form";
import { StudioApiError } from "@/lib/client/api";
import { lazyPart } from "@/lib/client/lazy-part";
import { useCreateGeneration } from "@/lib/client/mutations";
import { GENERATION_DEFAULTS, promptLength } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";
import { useGenerationResolver } from "@/lib/client/use-generation-resolver";
import { uploadedUrl, useReferenceMedia, type ReferenceMedia } from "@/lib/client/use-reference-media";
import type { TaskView } from "@/lib/tasks/view";
import { useConfirmGate } from "./confirm-gate";
import { ComposerBar } from "./composer-bar";
import { FormTools } from "./form-tools";
import { CostEstimate, totalCredits } from "./cost-estimate";
import { VariantsField } from "./generation-settings";
import { FormSettings } from "./form-settings";
import { PromptField } from "./prompt-field";
import { ReferenceFields } from "./reference-fields";
import type { ElementTarget } from "@/lib/client/form-elements";
import { useDraft } from "@/lib/client/use-draft";
import type { RemixLeft } from "@/lib/client/restore-references";
import { useStartedCount } from "@/lib/client/form-feedback";

// Shown only once an element is attached, or after a remix, so they are not first-load code.
const AttachedElements = lazyPart(() => import("./chosen-files").then((module) => module.AttachedElements));
const RemixNotes = lazyPart(() => import("./form-notices").then((module) => module.RemixNotes));
const NO_ELEMENTS: string[] = [];
/** The fields the form re-renders on (the cost, the prompt's tokens, the references, the aspect note). */
const WATCHED = ["prompt", "videoUrl", "quality", "duration", "elementIds", "variants", "aspectRatio"] as const;

// Shown only after a refused Generate, so not first-load code.
const SubmitFailure = lazyPart(() => import("./form-notices").then((module) => module.SubmitFailure));

/**
 * What the page can ask of the form from outside: "Use these settings" on a history entry refills it; the
 * element library attaches elements to it (lib/client/form-elements.ts).
 */
export interface GenerationFormHandle {
  remix: (task: TaskView) => Promise<void>;
  elementTarget: () => ElementTarget;
}

type Form = UseFormReturn<GenerationRequest>;

/**
 * Keeps the request's references in step with the chosen files: uploaded images (in order), then pasted URLs.
 * Returns how many images there are.
 */
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
  return media.images.length + pastedImageUrls.length;
}

/**
 * "Use these settings": refills the form from a history entry (restore-references.ts); returns what it left for
 * the person to know.
 */
function useHandle(
  ref: Ref<GenerationFormHandle>,
  form: Form,
  media: Pick<ReferenceMedia, "clear" | "restore">,
  setPasted: (urls: string[]) => void,
  elementTarget: () => ElementTarget,
) {
  const [left, setLeft] = useState<RemixLeft>(NOTHING_LEFT);
  const { clear, restore } = media;
  useImperativeHandle(
    ref,
    () => ({
      async remix(task) {
        // Only "Use these settings" needs it, so it is not first-load code.
        const { applyRemix } = await import("@/lib/client/restore-references");
        setLeft(await applyRemix(task, { form, clear, restore, setPasted }));
      },
      elementTarget,
    }),
    [form, clear, restore, setPasted, elementTarget],
  );
  return [left, () => setLeft(NOTHING_LEFT)] as const;
}

const NOTHING_LEFT: RemixLeft = { expired: [], reuploaded: [], deletedElements: [] };

function waitingFor(media: ReferenceMedia) {
  return media.busy ? "busy" : media.blocked ? "blocked" : null;
}

/** Sends a Generate (asking first above the threshold) and counts the tasks the last one started. */
function useGenerate(
  onCreated: (task: TaskView) => void,
  onStarted: (tasks: TaskView[]) => void,
  total: number,
  threshold: number,
) {
  const [startedCount, started] = useStartedCount(onStarted);
  const submit = useCreateGeneration({ onCreated, onStarted: started });
  const [request, confirmation] = useConfirmGate(total, threshold, (values) => submit.mutate(values));
  return { submit, request, confirmation, started: submit.isSuccess ? startedCount : 0 };
}

/** Ctrl+Enter (Cmd+Enter on a Mac) generates from anywhere in the form, as in the tools people know. */
function generateOnCtrlEnter(event: KeyboardEvent<HTMLFormElement>) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  event.preventDefault();
  event.currentTarget.requestSubmit();
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
  const { errors, isSubmitted: revalidate } = formState;
  const media = useReferenceMedia(videoUploadMaxBytes);
  const [pastedImageUrls, setPastedImageUrls] = useState<string[]>([]);
  const imageCount = useReferencesInForm(form, media, pastedImageUrls, revalidate);
  // watch() rather than useWatch: this component re-renders on these either way, and useWatch is 0.4 kB of first
  // load. The rule guards memoization by the React Compiler, which this project does not use.
  // eslint-disable-next-line react-hooks/incompatible-library
  const [prompt = "", videoUrl = "", quality, duration, watchedElements, variants = 1, aspectRatio] = watch(WATCHED);
  const elementIds = watchedElements ?? NO_ELEMENTS;
  const [left, forgetLeft] = useHandle(ref, form, media, setPastedImageUrls, () => ({ form, imageCount, revalidate }));
  useDraft(form, media, pastedImageUrls, setPastedImageUrls);
  const total = totalCredits(quality, duration, variants) ?? 0;
  const { submit, request, confirmation, started } = useGenerate(onCreated, onStarted, total, confirmAboveCredits);
  const failure = submit.error instanceof StudioApiError ? submit.error.body : null;
  const waiting = waitingFor(media);
  return (
    <form
      noValidate
      aria-label="New generation"
      onSubmit={handleSubmit((values) => {
        if (!waiting && !submit.isPending) request(values);
      })}
      onKeyDown={generateOnCtrlEnter}
      className="flex flex-col gap-4"
    >
      <FormTools
        demo={demo}
        form={form}
        media={media}
        setPasted={setPastedImageUrls}
        onStartOver={() => {
          forgetLeft();
          submit.reset();
        }}
      />

      {left.expired.length + left.reuploaded.length + left.deletedElements.length > 0 && (
        <Suspense fallback={null}>
          <RemixNotes {...left} />
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
        source={{ video: media.video, videoUrl, images: media.images, pastedImageUrls, elementIds }}
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

      {failure && (
        <Suspense fallback={null}>
          <SubmitFailure failure={failure} setError={form.setError} />
        </Suspense>
      )}
      {confirmation}
      <ComposerBar
        cost={<CostEstimate quality={quality} duration={duration} variants={variants} />}
        variantsField={<VariantsField register={register} error={errors.variants?.message} />}
        waitingFor={waiting}
        pending={submit.isPending}
        started={started}
      />
    </form>
  );
}
