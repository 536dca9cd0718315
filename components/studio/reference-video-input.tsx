"use client";
import { Suspense } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { DropZone } from "@/components/ui/drop-zone";
import { describedBy, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { lazyPart } from "@/lib/client/lazy-part";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import type { VideoTools } from "./chosen-video";
import { videoRulesLine } from "@/lib/media/rules";

// What shows only once a file is chosen or a URL pasted is not first-load code.
const ChosenVideo = lazyPart(() => import("./chosen-video").then((module) => module.ChosenVideo));
const PastedVideoPreview = lazyPart(() => import("./pasted-video-preview").then((module) => module.PastedVideoPreview));

/** The reference video: a dropped/chosen file (previewed, checked, uploaded) or, instead, a pasted URL. */
export function ReferenceVideoInput({
  video,
  uploadMaxBytes,
  tools,
  urlRegistration,
  url,
  urlError,
  onChoose,
  onRemove,
  onCancel,
  onRetry,
}: {
  video: ReferenceFile | null;
  uploadMaxBytes: number;
  tools: VideoTools;
  urlRegistration: UseFormRegisterReturn<"videoUrl">;
  url: string;
  urlError?: string;
  onChoose: (file: File) => void;
  onRemove: () => void;
  onCancel: () => void;
  onRetry: () => void;
}) {
  if (video) {
    return (
      <Suspense fallback={null}>
        <ChosenVideo
          video={video}
          tools={tools}
          // Until the upload gives the file its link, the form's "wait for the upload" says why it cannot go.
          urlError={url ? urlError : undefined}
          onRemove={onRemove}
          onCancel={onCancel}
          onRetry={onRetry}
        />
      </Suspense>
    );
  }
  // With nothing given, the drop zone is what most people use, so the error sits there.
  const missing = !url && urlError ? urlError : undefined;
  const hint = `Or paste a public https URL below. Larger videos (up to the API's 200 MB) must be given as a URL.`;
  return (
    <div className="flex flex-col gap-3">
      <DropZone
        id="referenceVideo"
        label="Reference video"
        accept="video/mp4,video/quicktime,.mp4,.mov"
        multiple={false}
        error={missing}
        onFiles={(files) => files[0] && onChoose(files[0])}
      >
        <span className="font-medium text-zinc-700 dark:text-zinc-300">
          Drop an MP4 or MOV here, or click to choose
        </span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">{videoRulesLine(uploadMaxBytes)}</span>
      </DropZone>
      <Field id="videoUrl" label="Reference video URL" hint={hint} error={missing ? undefined : urlError}>
        <Input
          id="videoUrl"
          type="url"
          inputMode="url"
          spellCheck={false}
          placeholder="https://example.com/reference.mp4"
          aria-invalid={Boolean(urlError && !missing)}
          aria-describedby={describedBy("videoUrl", missing ? undefined : urlError, hint)}
          className="font-mono text-xs"
          {...urlRegistration}
        />
      </Field>
      {url && (
        <Suspense fallback={null}>
          <PastedVideoPreview url={url} />
        </Suspense>
      )}
    </div>
  );
}
