"use client";
import { Suspense, useEffect, useImperativeHandle, useState, type Ref } from "react";
import { useForm, useWatch, type Path, type UseFormReturn } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RequestId } from "@/components/ui/request-id";
import { StudioApiError } from "@/lib/client/api";
import { useCreateGeneration } from "@/lib/client/mutations";
import { GENERATION_DEFAULTS, promptLength } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";
import { useGenerationResolver } from "@/lib/client/use-generation-resolver";
import { uploadedUrl, useReferenceMedia, type ReferenceMedia } from "@/lib/client/use-reference-media";
import type { TaskView } from "@/lib/tasks/view";
import { CostEstimate } from "./cost-estimate";
import { ErrorDetails } from "./error-details";
import { GenerationSettings } from "./generation-settings";
import { PromptField } from "./prompt-field";
import { ReferenceFields } from "./reference-fields";
import type { ElementView } from "@/lib/elements/view";
import { lazyPart } from "@/lib/client/lazy-part";
import { useFormElements } from "@/lib/client/use-form-elements";

// Shown only once an element is attached, so it is not first-load code.
const AttachedElements = lazyPart(() => import("./attached-elements").then((module) => module.AttachedElements));

const EXAMPLE_PROMPT =
  "<<<video_1>>> a paper boat drifting down a rain-soaked neon street at night, cinematic, shallow depth of field";
const EXAMPLE_VIDEO_URL = "https://media.example.com/reference/street.mp4";

/**
 * What the page can ask of the form from outside: "Use these settings" on a history entry refills it; "Use"
 * in the element library attaches an element (the answer says how, or why not).
 */
export interface GenerationFormHandle {
  remix: (task: TaskView) => Promise<void>;
  attachElement: (element: ElementView) => string;
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
  attachElement: (element: ElementView) => string,
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
      attachElement,
    }),
    [form, clearMedia, setPasted, attachElement],
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
  onCreated,
}: {
  ref: Ref<GenerationFormHandle>;
  demo: boolean;
  videoUploadMaxBytes: number;
  onCreated: (task: TaskView) => void;
}) {
  const resolver = useGenerationResolver();
  const form = useForm<GenerationRequest>({ resolver, defaultValues: GENERATION_DEFAULTS, mode: "onTouched" });
  const { register, handleSubmit, control, setValue, formState } = form;
  const { errors } = formState;
  const revalidate = formState.isSubmitted;
  const media = useReferenceMedia(videoUploadMaxBytes);
  const [pastedImageUrls, setPastedImageUrls] = useState<string[]>([]);
  useReferencesInForm(form, media, pastedImageUrls, revalidate);
  const imageCount = media.images.length + pastedImageUrls.length;
  const elements = useFormElements(form, imageCount, revalidate);
  const left = useHandle(ref, form, media.clear, setPastedImageUrls, elements.attach);
  const submit = useCreateGeneration({ onCreated });
  useServerFieldErrors(submit.error, form.setError);

  const [prompt = "", videoUrl = "", quality, duration] = useWatch({
    control,
    name: ["prompt", "videoUrl", "quality", "duration"],
  });
  const failure = submit.error instanceof StudioApiError ? submit.error.body : null;
  const waitingFor = waitingMessage(media);

  return (
    <form
      noValidate
      aria-label="New generation"
      onSubmit={handleSubmit((values) => {
        if (!waitingFor) submit.mutate(values);
      })}
      className="flex flex-col gap-5"
    >
      <ExpiredReferences names={left.expired} />
      <DeletedElements names={left.deletedElements} />

      <PromptField
        registration={register("prompt")}
        value={prompt}
        length={promptLength(prompt)}
        error={errors.prompt?.message}
        imageCount={imageCount}
        elementCount={elements.elementIds.length}
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
        elementCount={elements.elementIds.length}
        revalidate={revalidate}
      />

      {elements.elementIds.length > 0 && (
        <Suspense fallback={null}>
          <AttachedElements
            elementIds={elements.elementIds}
            error={errors.elementIds?.message ?? errors.elementIds?.root?.message}
            onRemove={elements.remove}
          />
        </Suspense>
      )}

      <GenerationSettings register={register} errors={errors} />

      <CostEstimate quality={quality} duration={duration} />

      {failure && (
        <Alert tone="error" live testId="form-error" title={failure.message}>
          <ErrorDetails error={failure} />
          <RequestId id={failure.requestId} />
        </Alert>
      )}

      <FormActions
        demo={demo}
        waitingFor={waitingFor}
        pending={submit.isPending}
        onExample={() => {
          setValue("prompt", EXAMPLE_PROMPT, { shouldValidate: true });
          if (!media.video) setValue("videoUrl", EXAMPLE_VIDEO_URL, { shouldValidate: true });
        }}
      />
    </form>
  );
}

/** After a remix: the entry's elements that have left the library since, named rather than dropped silently. */
function DeletedElements({ names }: { names: string[] }) {
  if (names.length === 0) return null;
  return (
    <Alert
      tone="warning"
      testId="remix-deleted-elements"
      title="Some elements of that entry were deleted from the library since."
    >
      <p>Left out, with their prompt tokens: {names.join(", ")}. Create them again to use them.</p>
    </Alert>
  );
}

/** After a remix: the entry's uploads that have expired and must be chosen again. */
function ExpiredReferences({ names }: { names: string[] }) {
  if (names.length === 0) return null;
  return (
    <Alert
      tone="warning"
      testId="remix-expired"
      title="Some references were uploads that have expired (uploads last 72 hours)."
    >
      <p>Upload them again: {names.join(", ")}.</p>
    </Alert>
  );
}

function FormActions({
  demo,
  waitingFor,
  pending,
  onExample,
}: {
  demo: boolean;
  waitingFor: string | null;
  pending: boolean;
  onExample: () => void;
}) {
  return (
    <>
      {waitingFor && (
        <p data-testid="submit-blocked" className="text-right text-xs text-amber-700 dark:text-amber-300">
          {waitingFor}
        </p>
      )}

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {demo && (
          <Button type="button" variant="secondary" onClick={onExample}>
            Fill in an example
          </Button>
        )}
        <Button type="submit" disabled={pending || Boolean(waitingFor)} className="sm:min-w-40">
          {pending ? "Submitting…" : "Generate"}
        </Button>
      </div>
    </>
  );
}
