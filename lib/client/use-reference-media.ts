"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ImageFacts, VideoFacts } from "../media/rules";
import { whenIdle } from "./lazy-part";
import type { UploadHandle } from "./upload";

export type ReferenceState =
  | { status: "checking" }
  | { status: "rejected"; problems: string[] }
  | { status: "uploading"; loaded: number; total: number }
  | { status: "uploaded"; fileUrl: string; expiresAt: string | null }
  | { status: "failed"; message: string; action: string; requestId?: string }
  | { status: "cancelled" };

export interface ReferenceFile {
  id: string;
  kind: "video" | "image";
  file: File;
  previewUrl: string;
  facts: VideoFacts | ImageFacts | null;
  state: ReferenceState;
  /** For a video converted in the browser: the file it was made from (never uploaded for it). */
  derivedFrom?: File;
  /** For a reference a remix restored from the studio's copy: its upload, still live, taken instead of another. */
  upload?: { fileUrl: string; expiresAt: string | null };
}

export const MAX_IMAGE_FILES = 4;

// Unique across visits too (from the clock): a restored draft's files keep their ids (lib/client/draft-store.ts).
let nextId = Date.now();

function newReference(file: File, kind: ReferenceFile["kind"]): ReferenceFile {
  return {
    id: `ref-${++nextId}`,
    kind,
    file,
    previewUrl: URL.createObjectURL(file),
    facts: null,
    state: { status: "checking" },
  };
}

// The browser's checks and the upload client are needed only once a file is chosen, so they are not first-load
// code: fetched when the browser is idle, or at the first file.
const loadTransfer = () => import("./reference-transfer");
type Transfer = Awaited<ReturnType<typeof loadTransfer>>;

function moveItem<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length) return list;
  const next = [...list];
  const [moved] = next.splice(from, 1);
  if (moved) next.splice(to, 0, moved);
  return next;
}

type Update = (id: string, patch: Partial<ReferenceFile>) => void;

/**
 * Each chosen file is checked in the browser first, then uploaded with progress; uploads can be cancelled and
 * retried, and those still running are aborted when the studio unmounts. `release` lets a file go.
 */
function useUploads(update: Update, videoUploadMaxBytes: number) {
  const uploads = useRef(new Map<string, UploadHandle>());
  // Set by the first file's checks, before any upload starts, so a retry always finds it.
  const transfer = useRef<Transfer | null>(null);

  const admit = useCallback(
    async (item: ReferenceFile) => {
      transfer.current = await loadTransfer();
      await transfer.current.admitReference(item, update, uploads.current, videoUploadMaxBytes);
    },
    [update, videoUploadMaxBytes],
  );

  const release = useCallback((item: ReferenceFile) => {
    uploads.current.get(item.id)?.abort();
    URL.revokeObjectURL(item.previewUrl);
  }, []);

  const cancel = useCallback((id: string) => uploads.current.get(id)?.abort(), []);
  const retry = useCallback(
    (item: ReferenceFile) => transfer.current?.startUpload(item, update, uploads.current),
    [update],
  );

  useEffect(() => whenIdle(() => void loadTransfer().catch(() => undefined)), []);
  useEffect(() => {
    const running = uploads.current;
    return () => running.forEach((handle) => handle.abort());
  }, []);

  return { admit, release, cancel, retry };
}

/**
 * The reference video and images chosen as files, each checked and uploaded by `useUploads`. Object URLs are
 * released when files go away.
 */
export function useReferenceMedia(videoUploadMaxBytes: number) {
  const [video, setVideo] = useState<ReferenceFile | null>(null);
  const [images, setImages] = useState<ReferenceFile[]>([]);

  const update = useCallback((id: string, patch: Partial<ReferenceFile>) => {
    setVideo((current) => (current?.id === id ? { ...current, ...patch } : current));
    setImages((current) => current.map((item) => (item.id === id ? { ...item, ...patch } : item)));
  }, []);
  const { admit, release, cancel, retry } = useUploads(update, videoUploadMaxBytes);

  /**
   * Attaches a reference (the video replaces the one before; an image comes last) and, unless a restored draft
   * already checked it, checks and uploads it.
   */
  const attach = useCallback(
    (item: ReferenceFile) => {
      if (item.kind === "video")
        setVideo((current) => {
          if (current) release(current);
          return item;
        });
      else setImages((current) => [...current, item]);
      if (item.state.status === "checking") void admit(item);
    },
    [admit, release],
  );

  /** A chosen video, or one converted in the browser from `derivedFrom`: checked and uploaded alike. */
  const chooseVideo = useCallback(
    (file: File, derivedFrom?: File) => attach({ ...newReference(file, "video"), ...(derivedFrom && { derivedFrom }) }),
    [attach],
  );

  /** Adds images up to the limit; returns how many did not fit. */
  const addImages = useCallback(
    (files: File[], freeSlots: number) => {
      const accepted = files.slice(0, Math.max(0, freeSlots));
      accepted.forEach((file) => attach(newReference(file, "image")));
      return files.length - accepted.length;
    },
    [attach],
  );

  const removeVideo = useCallback(() => {
    setVideo((current) => {
      if (current) release(current);
      return null;
    });
  }, [release]);

  const removeImage = useCallback(
    (id: string) => {
      setImages((current) => {
        const item = current.find((entry) => entry.id === id);
        if (item) release(item);
        return current.filter((entry) => entry.id !== id);
      });
    },
    [release],
  );

  const moveImage = useCallback((from: number, to: number) => setImages((current) => moveItem(current, from, to)), []);

  /** Forgets every chosen file (a remix starts from the entry's own references). */
  const clear = useCallback(() => {
    removeVideo();
    setImages((current) => {
      current.forEach(release);
      return [];
    });
  }, [removeVideo, release]);

  /** A restored draft's files, or a remix's kept references: those not yet checked are checked (and uploaded). */
  const restore = useCallback((items: ReferenceFile[]) => items.forEach(attach), [attach]);

  const all = video ? [video, ...images] : images;
  return {
    video,
    images,
    chooseVideo,
    addImages,
    removeVideo,
    removeImage,
    moveImage,
    clear,
    restore,
    cancel,
    retry,
    /** Some file is still being checked or uploaded. */
    busy: all.some((item) => item.state.status === "checking" || item.state.status === "uploading"),
    /** Some file needs attention (rejected, failed or cancelled) before generating. */
    blocked: all.some((item) => ["rejected", "failed", "cancelled"].includes(item.state.status)),
  };
}

export type ReferenceMedia = ReturnType<typeof useReferenceMedia>;

export function uploadedUrl(item: ReferenceFile | null): string | null {
  return item?.state.status === "uploaded" ? item.state.fileUrl : null;
}
