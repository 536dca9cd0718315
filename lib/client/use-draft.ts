"use client";
import { useEffect, useRef } from "react";
import type { UseFormReturn } from "react-hook-form";
import type { GenerationRequest } from "../generation/schema";
import type { DraftTarget } from "./draft-store";
import { whenIdle } from "./lazy-part";
import type { ReferenceMedia } from "./use-reference-media";

/**
 * The form is kept as a draft in this browser and restored on the next visit (lib/client/draft-store.ts, loaded
 * when idle), which also asks before the page is left while a reference is still being checked or uploaded.
 */
export function useDraft(
  form: UseFormReturn<GenerationRequest>,
  media: ReferenceMedia,
  pasted: string[],
  setPasted: (urls: string[]) => void,
) {
  const latest = useRef({ video: media.video, images: media.images, pasted });
  const changed = useRef<((busy: boolean) => void) | null>(null);
  const { restore } = media;
  useEffect(() => {
    let stop: (() => void) | undefined;
    let live = true;
    const target: DraftTarget = { form, read: () => latest.current, setPasted, restoreMedia: restore };
    const cancel = whenIdle(() => {
      void import("./draft-store")
        .then((store) => store.followDraft(target))
        .then((follower) => {
          if (!live) return follower.stop();
          changed.current = follower.changed;
          stop = follower.stop;
        });
    });
    return () => {
      live = false;
      cancel();
      stop?.();
    };
  }, [form, setPasted, restore]);
  const { busy } = media;
  useEffect(() => {
    latest.current = { video: media.video, images: media.images, pasted };
    changed.current?.(busy);
  }, [media.video, media.images, pasted, busy]);
}
