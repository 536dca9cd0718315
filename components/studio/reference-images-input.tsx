"use client";
import { Suspense, useState, type ReactNode } from "react";
import { DropZone } from "@/components/ui/drop-zone";
import { lazyPart } from "@/lib/client/lazy-part";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import { LIMITS } from "@/lib/evolink/contract";
import { imageRulesLine } from "@/lib/media/rules";

// The list shows only once images are chosen, so it is not first-load code.
const ChosenImages = lazyPart(() => import("./chosen-files").then((module) => module.ChosenImages));

/** Reference images as files: order defines <<<image_1>>> … <<<image_N>>>; each can be moved or removed. */
export function ReferenceImagesInput({
  images,
  freeSlots,
  elementCount,
  onAdd,
  onMove,
  onRemove,
  onCancel,
  onRetry,
  link,
}: {
  images: ReferenceFile[];
  freeSlots: number;
  /** Attached elements, which share the limit: named in the refusal only when there are some. */
  elementCount: number;
  onAdd: (files: File[]) => number;
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
  onCancel: (item: ReferenceFile) => void;
  onRetry: (item: ReferenceFile) => void;
  /** The pasted image links, or the toggle that shows them, right under the zone. */
  link: ReactNode;
}) {
  const [overflow, setOverflow] = useState(0);
  return (
    <div className="flex flex-col gap-2">
      <DropZone
        id="referenceImages"
        label="Reference images"
        accept="image/jpeg,image/png,image/webp,image/gif"
        multiple
        disabled={freeSlots === 0}
        onFiles={(files) => setOverflow(onAdd(files))}
      >
        <span className="font-medium text-zinc-700 dark:text-zinc-300">
          {freeSlots === 0
            ? `${LIMITS.maxReferenceImages} images attached (the maximum)`
            : "Drop JPG, PNG, WebP or GIF images, or click to choose"}
        </span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">{imageRulesLine()}</span>
      </DropZone>
      {link}
      {images.length > 0 && (
        <Suspense fallback={null}>
          <ChosenImages
            images={images}
            refused={{ overflow, elementCount }}
            onMove={onMove}
            onRemove={onRemove}
            onCancel={onCancel}
            onRetry={onRetry}
          />
        </Suspense>
      )}
    </div>
  );
}
