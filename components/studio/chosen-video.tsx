"use client";
import { Button } from "@/components/ui/button";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import { VideoFactsList } from "./media-facts";
import { UploadStatus } from "./upload-status";

/** A chosen reference video: its preview, what the browser read from it, and where its upload stands. */
export function ChosenVideo({
  video,
  urlError,
  onRemove,
  onCancel,
  onRetry,
}: {
  video: ReferenceFile;
  urlError?: string;
  onRemove: () => void;
  onCancel: () => void;
  onRetry: () => void;
}) {
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
