"use client";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { DropZone } from "@/components/ui/drop-zone";
import { describedBy, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import { videoRulesLine } from "@/lib/media/rules";
import { VideoFactsList } from "./media-facts";
import { PastedVideoPreview } from "./pasted-video-preview";
import { UploadStatus } from "./upload-status";

/** The reference video: a dropped/chosen file (previewed, checked, uploaded) or, instead, a pasted URL. */
export function ReferenceVideoInput({
  video,
  uploadMaxBytes,
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
      <div className="flex flex-col gap-1.5">
        <span className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Reference video</span>
        <div
          data-testid="video-reference"
          className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 sm:flex-row dark:border-zinc-800"
        >
          <video
            data-testid="video-preview"
            src={video.previewUrl}
            controls
            muted
            playsInline
            className="aspect-video w-full rounded-md bg-black object-contain sm:w-48"
          />
          <div className="flex min-w-0 flex-1 flex-col gap-2">
            <div className="flex items-start justify-between gap-2">
              <p className="truncate text-sm font-medium" title={video.file.name}>
                {video.file.name}
              </p>
              <Button variant="ghost" size="sm" onClick={onRemove}>
                Remove
              </Button>
            </div>
            <VideoFactsList
              facts={video.facts && "container" in video.facts ? video.facts : null}
              sizeBytes={video.file.size}
            />
            <UploadStatus item={video} onCancel={onCancel} onRetry={onRetry} />
          </div>
        </div>
        {urlError && <p className="text-xs font-medium text-red-600 dark:text-red-400">{urlError}</p>}
      </div>
    );
  }
  const hint = `Or paste a public https URL below. Larger videos (up to the API's 200 MB) must be given as a URL.`;
  return (
    <div className="flex flex-col gap-3">
      <DropZone
        id="referenceVideo"
        label="Reference video"
        accept="video/mp4,video/quicktime,.mp4,.mov"
        multiple={false}
        onFiles={(files) => files[0] && onChoose(files[0])}
      >
        <span className="font-medium text-zinc-700 dark:text-zinc-300">
          Drop an MP4 or MOV here, or click to choose
        </span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">{videoRulesLine(uploadMaxBytes)}</span>
      </DropZone>
      <Field id="videoUrl" label="Reference video URL" hint={hint} error={urlError}>
        <Input
          id="videoUrl"
          type="url"
          inputMode="url"
          spellCheck={false}
          placeholder="https://example.com/reference.mp4"
          aria-invalid={Boolean(urlError)}
          aria-describedby={describedBy("videoUrl", urlError, hint)}
          className="font-mono text-xs"
          {...urlRegistration}
        />
      </Field>
      <PastedVideoPreview url={url} />
    </div>
  );
}
