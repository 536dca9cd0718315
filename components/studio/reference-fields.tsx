"use client";
import { Suspense, useState } from "react";
import type { UseFormReturn } from "react-hook-form";
import type { ReferenceMedia } from "@/lib/client/use-reference-media";
import { LIMITS } from "@/lib/evolink/contract";
import type { GenerationRequest } from "@/lib/generation/schema";
import { lazyPart } from "@/lib/client/lazy-part";
import { LinkToggle } from "./link-toggle";
import { ReferenceImagesInput } from "./reference-images-input";
import { ReferenceVideoInput } from "./reference-video-input";

type ReferenceTokens = typeof import("@/lib/generation/reference-tokens");

// Behind "or paste image links" until asked for or holding links, so not first-load code.
const ImageUrlsField = lazyPart(() => import("./reference-links").then((module) => module.ImageUrlsField));

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
  const [linksAsked, setLinksAsked] = useState(false);
  const showLinks = linksAsked || pastedImageUrls.length > 0 || Boolean(errors.imageUrls);
  const imageCount = media.images.length + pastedImageUrls.length;
  const freeSlots = LIMITS.maxReferenceImages - imageCount - elementCount;
  // The prompt's image tokens follow a move or a removal. The renumbering is not first-load code: it comes with
  // the prompt's chips, fetched when the browser is idle, long before a chosen image can be moved.
  const renumber = (mapping: (tokens: ReferenceTokens) => (n: number) => number | null) =>
    void import("@/lib/generation/reference-tokens").then((tokens) =>
      setValue("prompt", tokens.renumberImageTokens(getValues("prompt"), mapping(tokens)), {
        shouldValidate: revalidate,
      }),
    );

  // Side by side while both are empty drop zones, so the settings fit on the first screen too.
  const empty = !media.video && media.images.length === 0;
  return (
    <div className={empty ? "grid gap-4 sm:grid-cols-2" : "flex flex-col gap-4"}>
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
          renumber((tokens) => tokens.mappingAfterMove(from + 1, to + 1));
        }}
        onRemove={(index) => {
          const item = media.images[index];
          if (item) media.removeImage(item.id);
          renumber((tokens) => tokens.mappingAfterRemoval(index + 1));
        }}
        onCancel={(item) => media.cancel(item.id)}
        onRetry={media.retry}
        link={
          showLinks ? (
            <Suspense fallback={null}>
              <ImageUrlsField
                value={pastedImageUrls}
                firstNumber={media.images.length + 1}
                onChange={onPastedImageUrls}
                errors={errors}
                focus={linksAsked}
              />
            </Suspense>
          ) : (
            <LinkToggle label="or paste image links" onOpen={() => setLinksAsked(true)} />
          )
        }
      />
    </div>
  );
}
