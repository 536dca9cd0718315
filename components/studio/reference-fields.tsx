"use client";
import type { FieldErrors, UseFormReturn } from "react-hook-form";
import type { ReferenceMedia } from "@/lib/client/use-reference-media";
import { LIMITS } from "@/lib/evolink/contract";
import type { GenerationRequest } from "@/lib/generation/schema";
import { mappingAfterMove, mappingAfterRemoval, renumberImageTokens } from "@/lib/generation/reference-tokens";
import { ImageUrlsField } from "./image-urls-field";
import { ReferenceImagesInput } from "./reference-images-input";
import { ReferenceVideoInput } from "./reference-video-input";

/** The first message about the image list: the list's own, or the first image's with its number. */
function imageUrlsError(errors: FieldErrors<GenerationRequest>): string | undefined {
  return (
    errors.imageUrls?.message ??
    (Array.isArray(errors.imageUrls)
      ? errors.imageUrls.map((e, index) => (e?.message ? `Image ${index + 1}: ${e.message}` : undefined)).find(Boolean)
      : undefined)
  );
}

/**
 * The references: the video (a file or a URL), the image files and the pasted image URLs. Moving or removing an
 * image file renumbers the prompt's image tokens to follow it.
 */
export function ReferenceFields({
  form,
  media,
  videoUploadMaxBytes,
  videoUrl,
  pastedImageUrls,
  onPastedImageUrls,
  elementCount,
  quality,
  revalidate,
}: {
  form: UseFormReturn<GenerationRequest>;
  media: ReferenceMedia;
  videoUploadMaxBytes: number;
  videoUrl: string;
  pastedImageUrls: string[];
  onPastedImageUrls: (urls: string[]) => void;
  /** Attached elements, which share the reference limit with the images. */
  elementCount: number;
  /** For the workbench's cost per output second; the form watches it already. */
  quality: GenerationRequest["quality"];
  /** Whether a change validates again (once the form has been submitted). */
  revalidate: boolean;
}) {
  const { register, setValue, getValues, formState } = form;
  const { errors } = formState;
  const imageCount = media.images.length + pastedImageUrls.length;
  const freeSlots = LIMITS.maxReferenceImages - imageCount - elementCount;
  const renumber = (mapping: (n: number) => number | null) =>
    setValue("prompt", renumberImageTokens(getValues("prompt"), mapping), { shouldValidate: revalidate });

  return (
    <>
      <ReferenceVideoInput
        video={media.video}
        uploadMaxBytes={videoUploadMaxBytes}
        tools={{
          uploadMaxBytes: videoUploadMaxBytes,
          quality,
          addFrame: (file) => media.addImages([file], freeSlots) === 0,
          elementCount,
          useDuration: (seconds) => setValue("duration", seconds, { shouldValidate: true, shouldDirty: true }),
          replace: media.chooseVideo,
          restore: media.chooseVideo,
        }}
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
        freeSlots={freeSlots}
        elementCount={elementCount}
        onAdd={(files) => media.addImages(files, freeSlots)}
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
        onChange={onPastedImageUrls}
        error={imageUrlsError(errors)}
      />
    </>
  );
}
