"use client";
import { inspectImage, inspectVideo } from "./preflight";
import { unfinishedState, uploadReference, type UploadHandle } from "./upload";
import type { ReferenceFile } from "./use-reference-media";

// A chosen file's way to the server: the browser's checks, then the upload. Loaded when the browser is idle or at
// the first file, so none of it is first-load code.

export type Update = (id: string, patch: Partial<ReferenceFile>) => void;

// The page says so when the studio keeps files in a bucket: references then go straight there.
const directUploads = () => document.querySelector("[data-uploads=direct]") !== null;

/** The upload to the bucket, its code fetched on first use; the handle is there at once, so Cancel always works. */
function uploadToBucket(item: ReferenceFile, onProgress: (loaded: number, total: number) => void): UploadHandle {
  let inner: UploadHandle | null = null;
  let aborted = false;
  const done = import("./direct-upload").then((direct) => {
    inner = direct.uploadDirect(item.file, item.kind, item.facts, onProgress);
    if (aborted) inner.abort();
    return inner.done;
  });
  return {
    done,
    abort: () => {
      aborted = true;
      inner?.abort();
    },
  };
}

/** Uploads a file that passed its checks, with progress; its handle is in `running` until it ends. */
export function startUpload(item: ReferenceFile, update: Update, running: Map<string, UploadHandle>): void {
  update(item.id, { state: { status: "uploading", loaded: 0, total: item.file.size } });
  const onProgress = (loaded: number, total: number) =>
    update(item.id, { state: { status: "uploading", loaded, total } });
  const handle = directUploads() ? uploadToBucket(item, onProgress) : uploadReference(item.file, item.kind, onProgress);
  running.set(item.id, handle);
  handle.done
    .then(
      (result) =>
        update(item.id, { state: { status: "uploaded", fileUrl: result.fileUrl, expiresAt: result.expiresAt } }),
      (error: unknown) => update(item.id, { state: unfinishedState(error) }),
    )
    .finally(() => running.delete(item.id));
}

/**
 * Checks a chosen file by the server's rules, and uploads it when it passes; a file restored from the studio's
 * copy whose upload is still live takes that upload instead of making another.
 */
export async function admitReference(
  item: ReferenceFile,
  update: Update,
  running: Map<string, UploadHandle>,
  videoUploadMaxBytes: number,
): Promise<void> {
  const inspection =
    item.kind === "video" ? await inspectVideo(item.file, videoUploadMaxBytes) : await inspectImage(item.file);
  if (inspection.problems.length) {
    update(item.id, { facts: inspection.facts, state: { status: "rejected", problems: inspection.problems } });
    return;
  }
  if (item.upload) {
    update(item.id, { facts: inspection.facts, state: { status: "uploaded", ...item.upload } });
    return;
  }
  update(item.id, { facts: inspection.facts });
  startUpload({ ...item, facts: inspection.facts }, update, running);
}
