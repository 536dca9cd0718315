"use client";
import { IconButton } from "@/components/ui/icon-button";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import { imageToken } from "@/lib/evolink/contract";
import { referenceLimitText } from "@/lib/generation/reference-limit";
import { imageFactsLine } from "./media-facts";
import { UploadStatus } from "./upload-status";

/** The chosen reference images in their order, each with its token, facts, upload state and move/remove buttons. */
export function ChosenImages({
  images,
  refused,
  onMove,
  onRemove,
  onCancel,
  onRetry,
}: {
  images: ReferenceFile[];
  /** Images of the last choice not added for want of places, and the attached elements that share them. */
  refused: { overflow: number; elementCount: number };
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
  onCancel: (item: ReferenceFile) => void;
  onRetry: (item: ReferenceFile) => void;
}) {
  const { overflow, elementCount } = refused;
  return (
    <>
      {overflow > 0 && (
        <p data-testid="images-overflow" className="text-xs font-medium text-red-600 dark:text-red-400">
          {overflow} image{overflow > 1 ? "s were" : " was"} not added: {referenceLimitText(elementCount)}.
        </p>
      )}
      <ol className="grid grid-cols-1 gap-2 sm:grid-cols-2" aria-label="Attached reference images">
        {images.map((item, index) => (
          <li
            key={item.id}
            data-testid="image-reference"
            data-attached-from="referenceImages"
            tabIndex={-1}
            aria-label={`Reference image ${index + 1}, ${item.file.name}`}
            className="flex flex-col gap-2 rounded-lg border border-zinc-200 p-2 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500 dark:border-zinc-800"
          >
            <div className="flex gap-2">
              {/* eslint-disable-next-line @next/next/no-img-element -- a blob: URL of the person's own file; next/image cannot optimise it */}
              <img
                src={item.previewUrl}
                alt={`Reference image ${index + 1}`}
                className="size-16 shrink-0 rounded-md bg-zinc-100 object-cover dark:bg-zinc-800"
              />
              <div className="min-w-0 flex-1">
                <p className="font-mono text-xs font-semibold text-violet-700 dark:text-violet-300">
                  {imageToken(index + 1)}
                </p>
                <p className="truncate text-xs" title={item.file.name}>
                  {item.file.name}
                </p>
                <p className="text-xs text-zinc-500 dark:text-zinc-400">
                  {imageFactsLine(item.facts && "type" in item.facts ? item.facts : null, item.file.size)}
                </p>
              </div>
              <div className="flex shrink-0 flex-row items-start sm:flex-col">
                <IconButton
                  aria-label={`Move image ${index + 1} earlier`}
                  disabled={index === 0}
                  onClick={() => onMove(index, index - 1)}
                >
                  ↑
                </IconButton>
                <IconButton
                  aria-label={`Move image ${index + 1} later`}
                  disabled={index === images.length - 1}
                  onClick={() => onMove(index, index + 1)}
                >
                  ↓
                </IconButton>
                <IconButton aria-label={`Remove image ${index + 1}`} onClick={() => onRemove(index)}>
                  ✕
                </IconButton>
              </div>
            </div>
            <UploadStatus item={item} onCancel={() => onCancel(item)} onRetry={() => onRetry(item)} />
          </li>
        ))}
      </ol>
    </>
  );
}
