"use client";
import { lazy, Suspense, useRef, useState, type RefObject } from "react";
import { Button } from "@/components/ui/button";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import type { Quality } from "@/lib/evolink/contract";
import { referenceLimitText } from "@/lib/generation/reference-limit";
import { conformNeeds } from "@/lib/media/conform";
import type { VideoFacts } from "@/lib/media/rules";
import { VideoFactsList } from "./media-facts";
import { UploadStatus } from "./upload-status";

// The trim and fix tools (and mediabunny's conversion code behind them) load only when opened: no idle prefetch.
const VideoWorkbench = lazy(() =>
  import("./workbench/video-workbench").then((module) => ({ default: module.VideoWorkbench })),
);

/** What the video's tools need from the form around it. */
export interface VideoTools {
  uploadMaxBytes: number;
  quality: Quality;
  /** Adds a grabbed frame as the next reference image; false when no place is free. */
  addFrame: (file: File) => boolean;
  /** Attached elements, which share the images' places (named in the refusal only when there are some). */
  elementCount: number;
  useDuration: (seconds: number) => void;
  /** A converted file takes the chosen one's place (`original` is kept only to go back to). */
  replace: (converted: File, original: File) => void;
  restore: (original: File) => void;
}

const videoFacts = (video: ReferenceFile) => (video.facts && "container" in video.facts ? video.facts : null);

/** A chosen reference video: its preview, what the browser read from it, its tools, and where its upload stands. */
export function ChosenVideo({
  video,
  tools,
  urlError,
  onRemove,
  onCancel,
  onRetry,
}: {
  video: ReferenceFile;
  tools: VideoTools;
  urlError?: string;
  onRemove: () => void;
  onCancel: () => void;
  onRetry: () => void;
}) {
  const player = useRef<HTMLVideoElement>(null);
  const [open, setOpen] = useState(false);
  const facts = videoFacts(video);
  return (
    <div className="flex flex-col gap-1.5">
      <span className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Reference video</span>
      <div
        data-testid="video-reference"
        data-attached-from="referenceVideo"
        tabIndex={-1}
        role="group"
        aria-label={`Reference video ${video.file.name}`}
        className="flex flex-col gap-3 rounded-lg border border-zinc-200 p-3 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500 dark:border-zinc-800"
      >
        <div className="flex flex-col gap-3 sm:flex-row">
          <div className="flex flex-col gap-1.5 sm:w-56">
            <video
              ref={player}
              data-testid="video-preview"
              src={video.previewUrl}
              controls
              muted
              playsInline
              className="aspect-video w-full rounded-md bg-black object-contain"
            />
            <FrameGrab player={player} name={video.file.name} tools={tools} />
          </div>
          <div className="flex min-w-0 flex-1 flex-col gap-2">
            <div className="flex items-start justify-between gap-2">
              <p className="truncate text-sm font-medium" title={video.file.name}>
                {video.file.name}
              </p>
              <Button variant="ghost" size="sm" onClick={onRemove}>
                Remove
              </Button>
            </div>
            {video.derivedFrom && (
              <p data-testid="video-converted" className="text-xs text-zinc-600 dark:text-zinc-300">
                Converted in this browser from {video.derivedFrom.name}.{" "}
                <Button variant="ghost" size="sm" onClick={() => video.derivedFrom && tools.restore(video.derivedFrom)}>
                  Back to the original
                </Button>
              </p>
            )}
            <VideoFactsList facts={facts} sizeBytes={video.file.size} />
            <UploadStatus item={video} onCancel={onCancel} onRetry={onRetry} />
            {facts && !open && (
              <ToolsLauncher facts={facts} maxBytes={tools.uploadMaxBytes} onOpen={() => setOpen(true)} />
            )}
          </div>
        </div>
        {facts && open && (
          <Suspense fallback={<p className="text-xs text-zinc-500">Opening the tools…</p>}>
            <VideoWorkbench
              file={video.file}
              facts={facts}
              maxBytes={tools.uploadMaxBytes}
              player={player}
              quality={tools.quality}
              onUseDuration={tools.useDuration}
              onConverted={(converted) => tools.replace(converted, video.derivedFrom ?? video.file)}
            />
          </Suspense>
        )}
      </div>
      {urlError && <p className="text-xs font-medium text-red-600 dark:text-red-400">{urlError}</p>}
    </div>
  );
}

/** "Fix it for me" when every broken rule is one a conversion fixes; why not when one is not; else the trim. */
function ToolsLauncher({ facts, maxBytes, onOpen }: { facts: VideoFacts; maxBytes: number; onOpen: () => void }) {
  const { fixes, blockers } = conformNeeds(facts, maxBytes);
  if (blockers.length > 0) {
    return (
      <p data-testid="workbench-blocked" className="text-xs text-zinc-600 dark:text-zinc-300">
        {blockers.join(" ")}
      </p>
    );
  }
  return (
    <div className="flex flex-wrap items-center gap-2">
      {fixes.length > 0 && (
        <span className="text-xs text-zinc-700 dark:text-zinc-200">This clip can be fixed in this browser.</span>
      )}
      <Button variant={fixes.length > 0 ? "primary" : "secondary"} size="sm" onClick={onOpen}>
        {fixes.length > 0 ? "Trim and fix" : "Trim"}
      </Button>
    </div>
  );
}

/** "Use this frame" on the paused preview: the frame becomes the next reference image. */
function FrameGrab({
  player,
  name,
  tools,
}: {
  player: RefObject<HTMLVideoElement | null>;
  name: string;
  tools: Pick<VideoTools, "addFrame" | "elementCount">;
}) {
  const [refusal, setRefusal] = useState<string | null>(null);
  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        onClick={async () => {
          const element = player.current;
          if (!element) return;
          element.pause();
          const { grabFrame } = await import("@/lib/client/frame-grab");
          const frame = await grabFrame(element, name);
          if (!frame) return setRefusal("The preview has no frame to take yet: let it load, then try again.");
          const limit = referenceLimitText(tools.elementCount);
          setRefusal(
            tools.addFrame(frame) ? null : `No room for the frame: ${limit}. Remove an image to use this frame.`,
          );
        }}
      >
        Use this frame
      </Button>
      {refusal && (
        <p role="alert" data-testid="frame-refused" className="text-xs font-medium text-red-600 dark:text-red-400">
          {refusal}
        </p>
      )}
    </>
  );
}
