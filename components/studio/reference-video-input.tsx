"use client";
import { Suspense, useState } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { DropZone } from "@/components/ui/drop-zone";
import { LinkToggle } from "./link-toggle";
import { lazyPart } from "@/lib/client/lazy-part";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import type { VideoTools } from "./chosen-video";
import { videoRulesLine } from "@/lib/media/rules";

// What shows only once a file is chosen or a URL pasted is not first-load code.
const ChosenVideo = lazyPart(() => import("./chosen-files").then((module) => module.ChosenVideo));
// Behind "or paste a video link" until asked for or holding a link.
const VideoUrlField = lazyPart(() => import("./reference-links").then((module) => module.VideoUrlField));
const PastedVideoPreview = lazyPart(() => import("./reference-links").then((module) => module.PastedVideoPreview));

/**
 * The reference video: a dropped/chosen file (previewed, checked, uploaded) or, instead, a pasted URL, whose box
 * waits behind "or paste a video link" until it is asked for or holds something.
 */
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
  const [linkAsked, setLinkAsked] = useState(false);
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
  // With nothing given, the drop zone is what most people use, so a missing video's error sits there.
  const missing = !url && urlError ? urlError : undefined;
  const linkError = missing ? undefined : urlError;
  const showLink = linkAsked || Boolean(url) || Boolean(linkError);
  return (
    <div className="flex flex-col gap-2">
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
      {showLink ? (
        <Suspense fallback={null}>
          <VideoUrlField registration={urlRegistration} error={linkError} focus={linkAsked} />
        </Suspense>
      ) : (
        <LinkToggle label="or paste a video link" onOpen={() => setLinkAsked(true)} />
      )}
      {url && (
        <Suspense fallback={null}>
          <PastedVideoPreview url={url} />
        </Suspense>
      )}
    </div>
  );
}
