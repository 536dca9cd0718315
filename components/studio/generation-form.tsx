"use client";
import { useEffect, useImperativeHandle, useState, type Ref } from "react";
import { useForm, useWatch, type Path } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { RequestId } from "@/components/ui/request-id";
import { StudioApiError } from "@/lib/client/api";
import { useCreateGeneration } from "@/lib/client/mutations";
import { GENERATION_DEFAULTS, promptLength } from "@/lib/generation/rules";
import { LIMITS } from "@/lib/evolink/contract";
import type { GenerationRequest } from "@/lib/generation/schema";
import { useGenerationResolver } from "@/lib/client/use-generation-resolver";
import { uploadedUrl, useReferenceMedia } from "@/lib/client/use-reference-media";
import { mappingAfterMove, mappingAfterRemoval, renumberImageTokens } from "@/lib/generation/reference-tokens";
import type { TaskView } from "@/lib/tasks/view";
import { CostEstimate } from "./cost-estimate";
import { ErrorDetails } from "./error-details";
import { GenerationSettings } from "./generation-settings";
import { ImageUrlsField } from "./image-urls-field";
import { PromptField } from "./prompt-field";
import { ReferenceImagesInput } from "./reference-images-input";
import { ReferenceVideoInput } from "./reference-video-input";

const EXAMPLE_PROMPT =
  "<<<video_1>>> a paper boat drifting down a rain-soaked neon street at night, cinematic, shallow depth of field";
const EXAMPLE_VIDEO_URL = "https://media.example.com/reference/street.mp4";

/** What the page can ask of the form from outside: "Use these settings" on a history entry refills it. */
export interface GenerationFormHandle {
  remix: (task: TaskView) => Promise<void>;
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
  const form = useForm<GenerationRequest>({
    resolver,
    defaultValues: GENERATION_DEFAULTS,
    mode: "onTouched",
  });
  const { register, handleSubmit, setError, control, setValue, getValues, formState } = form;
  const { errors } = formState;
  const media = useReferenceMedia(videoUploadMaxBytes);
  const [pastedImageUrls, setPastedImageUrls] = useState<string[]>([]);

  // The request's image list is the uploaded files (in their order) followed by the pasted URLs.
  const uploadedImageUrls = media.images.map(uploadedUrl).filter((url): url is string => url !== null);
  const imageListKey = [...uploadedImageUrls, ...pastedImageUrls].join("\n");
  useEffect(() => {
    setValue("imageUrls", imageListKey ? imageListKey.split("\n") : [], { shouldValidate: formState.isSubmitted });
  }, [imageListKey, setValue, formState.isSubmitted]);
  const videoFileUrl = media.video ? (uploadedUrl(media.video) ?? "") : null;
  useEffect(() => {
    if (videoFileUrl !== null) setValue("videoUrl", videoFileUrl, { shouldValidate: formState.isSubmitted });
  }, [videoFileUrl, setValue, formState.isSubmitted]);

  const [expiredReferences, setExpiredReferences] = useState<string[]>([]);
  const { clear: clearMedia } = media;
  useImperativeHandle(
    ref,
    () => ({
      async remix(task) {
        const now = Date.now();
        // Only "Use these settings" needs it, so it is not first-load code.
        const { remixValues } = await import("@/lib/generation/remix");
        const { values, pastedImageUrls: pasted, expired } = remixValues(task, now);
        clearMedia();
        form.reset(values);
        setPastedImageUrls(pasted);
        setExpiredReferences(expired);
      },
    }),
    [form, clearMedia],
  );

  const submit = useCreateGeneration({ onCreated });
  // The server's own field checks mark the same fields the browser's would.
  const submitFields = submit.error instanceof StudioApiError ? submit.error.body.fields : undefined;
  useEffect(() => {
    for (const [path, message] of Object.entries(submitFields ?? {})) {
      if (path !== "_") setError(path as Path<GenerationRequest>, { message });
    }
  }, [submitFields, setError]);

  const [prompt = "", videoUrl = "", quality, duration] = useWatch({
    control,
    name: ["prompt", "videoUrl", "quality", "duration"],
  });
  const imageCount = media.images.length + pastedImageUrls.length;
  const failure = submit.error instanceof StudioApiError ? submit.error.body : null;
  const imageUrlsError =
    errors.imageUrls?.message ??
    (Array.isArray(errors.imageUrls)
      ? errors.imageUrls.map((e, index) => (e?.message ? `Image ${index + 1}: ${e.message}` : undefined)).find(Boolean)
      : undefined);
  const waitingFor = media.busy
    ? "Wait for the upload to finish before generating."
    : media.blocked
      ? "A reference file needs attention: retry or remove the one marked in red."
      : null;

  const renumber = (mapping: (n: number) => number | null) =>
    setValue("prompt", renumberImageTokens(getValues("prompt"), mapping), { shouldValidate: formState.isSubmitted });

  return (
    <form
      noValidate
      aria-label="New generation"
      onSubmit={handleSubmit((values) => {
        if (!waitingFor) submit.mutate(values);
      })}
      className="flex flex-col gap-5"
    >
      {expiredReferences.length > 0 && (
        <Alert
          tone="warning"
          testId="remix-expired"
          title="Some references were uploads that have expired (uploads last 72 hours)."
        >
          <p>Upload them again: {expiredReferences.join(", ")}.</p>
        </Alert>
      )}

      <PromptField
        registration={register("prompt")}
        value={prompt}
        length={promptLength(prompt)}
        error={errors.prompt?.message}
        imageCount={imageCount}
        hasVideo={Boolean(media.video || videoUrl)}
        onChange={(next) => setValue("prompt", next, { shouldValidate: formState.isSubmitted, shouldDirty: true })}
      />

      <ReferenceVideoInput
        video={media.video}
        uploadMaxBytes={videoUploadMaxBytes}
        urlRegistration={register("videoUrl")}
        url={videoUrl}
        urlError={errors.videoUrl?.message}
        onChoose={media.chooseVideo}
        onRemove={() => {
          media.removeVideo();
          setValue("videoUrl", "");
        }}
        onCancel={() => media.video && media.cancel(media.video.id)}
        onRetry={() => media.video && media.retry(media.video)}
      />

      <ReferenceImagesInput
        images={media.images}
        freeSlots={LIMITS.maxReferenceImages - imageCount}
        onAdd={(files) => media.addImages(files, LIMITS.maxReferenceImages - imageCount)}
        onMove={(from, to) => {
          media.moveImage(from, to);
          renumber(mappingAfterMove(from + 1, to + 1));
        }}
        onRemove={(index) => {
          const item = media.images[index];
          if (item) media.removeImage(item.id);
          renumber(mappingAfterRemoval(index + 1));
        }}
        onCancel={(item) => media.cancel(item.id)}
        onRetry={media.retry}
      />

      <ImageUrlsField
        value={pastedImageUrls}
        firstNumber={media.images.length + 1}
        onChange={setPastedImageUrls}
        error={imageUrlsError}
      />

      <GenerationSettings register={register} errors={errors} />

      <CostEstimate quality={quality} duration={duration} />

      {failure && (
        <Alert tone="error" live testId="form-error" title={failure.message}>
          <ErrorDetails error={failure} />
          <RequestId id={failure.requestId} />
        </Alert>
      )}

      {waitingFor && (
        <p data-testid="submit-blocked" className="text-right text-xs text-amber-700 dark:text-amber-300">
          {waitingFor}
        </p>
      )}

      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {demo && (
          <Button
            type="button"
            variant="secondary"
            onClick={() => {
              setValue("prompt", EXAMPLE_PROMPT, { shouldValidate: true });
              if (!media.video) setValue("videoUrl", EXAMPLE_VIDEO_URL, { shouldValidate: true });
            }}
          >
            Fill in an example
          </Button>
        )}
        <Button type="submit" disabled={submit.isPending || Boolean(waitingFor)} className="sm:min-w-40">
          {submit.isPending ? "Submitting…" : "Generate"}
        </Button>
      </div>
    </form>
  );
}
