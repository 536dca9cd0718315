import "server-only";
import { RESULT_LINK_GONE_STATUSES } from "../../evolink/contract";
import { rm } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { checkWhole, IncompleteCopy } from "./archive-check";
import { keepReferences } from "./archive-reference";
import { fetchResult } from "../evolink/client";
import { LIMITS, TASK_ID_PATTERN } from "../../evolink/contract";
import { log, withLogContext } from "../log";
import { config } from "../config";
import { describeStorageError, storage } from "../storage";
import { findTask, updateTask, type TaskRecord } from "../store/tasks";
import { claimTaskLease, leaseMs, releaseTaskLease } from "../store/leases";

const ARCHIVE_TIMEOUT_MS = 15 * 60_000;
export const MAX_ARCHIVE_ATTEMPTS = 10;

/** Where finished videos are kept (`ARCHIVE_DIR`, default `$DATA_DIR/videos`). */
export function archiveDir(): string {
  return config().archiveDir;
}

/** The archived copy's storage key; only for a well-formed task id. */
export function archiveKey(taskId: string): string {
  if (!TASK_ID_PATTERN.test(taskId))
    throw new Error(`Refusing to build an archive key from the malformed task id ${JSON.stringify(taskId)}`);
  return `${taskId}.mp4`;
}

/** A kept reference: the video, or image N (1-based) of the request, as in `/api/tasks/{id}/reference/{slot}`. */
export type ReferenceSlot = "video" | `image-${number}`;

/** The slots a request can have: the video and up to the limit of images. */
export function referenceSlots(imageCount: number): ReferenceSlot[] {
  return ["video", ...Array.from({ length: imageCount }, (_, index) => `image-${index + 1}` as const)];
}

/** A kept reference's key beside the result (the video keeps its older name, `<id>.reference.mp4`). */
export function referenceSlotKey(taskId: string, slot: ReferenceSlot): string {
  return archiveKey(taskId).replace(/\.mp4$/, slot === "video" ? ".reference.mp4" : `.reference-${slot}`);
}

/** A kept reference's thumbnail: `<id>.reference-<slot>.thumb.jpg`. */
export function referenceThumbnailKey(taskId: string, slot: ReferenceSlot): string {
  return archiveKey(taskId).replace(/\.mp4$/, `.reference-${slot}.thumb.jpg`);
}

/** The poster beside the archived copy: `<id>.jpg`. */
export function posterKey(taskId: string): string {
  return archiveKey(taskId).replace(/\.mp4$/, ".jpg");
}

/** A key's file in the archive folder (the local storage's layout; always directly inside the folder). */
function inArchiveFolder(key: string): string {
  const folder = archiveDir();
  const target = path.join(folder, key);
  if (path.dirname(target) !== folder) throw new Error(`The archive path for ${key} falls outside ${folder}`);
  return target;
}

/** The archived copy's path in the archive folder. */
export const archivePath = (taskId: string) => inArchiveFolder(archiveKey(taskId));
/** The reference video's copy beside the result in the archive folder. */
export const referencePath = (taskId: string) => inArchiveFolder(referenceSlotKey(taskId, "video"));
export const referenceSlotPath = (taskId: string, slot: ReferenceSlot) =>
  inArchiveFolder(referenceSlotKey(taskId, slot));
export const referenceThumbnailPath = (taskId: string, slot: ReferenceSlot) =>
  inArchiveFolder(referenceThumbnailKey(taskId, slot));
export const posterPath = (taskId: string) => inArchiveFolder(posterKey(taskId));

/** Waits between archive retries: 2^attempts seconds, at most 5 minutes. */
export function archiveRetryDue(record: TaskRecord, now = Date.now()): boolean {
  if (record.archiveState !== "failed") return true;
  return now - record.updatedAt >= Math.min(300, 2 ** record.archiveAttempts) * 1000;
}

// Next bundles the poller apart from the routes: both must see the same copies and deletions.
const globalForArchive = globalThis as typeof globalThis & {
  __archiving?: Map<string, { done: Promise<void>; controller: AbortController }>;
  __archiveDeleting?: Set<string>;
  __onArchived?: (taskId: string) => void;
};

/** Lets the poster maker start as soon as a copy is kept. */
export function onArchived(listener: (taskId: string) => void): void {
  globalForArchive.__onArchived = listener;
}
const archiving = (globalForArchive.__archiving ??= new Map());
const deleting = (globalForArchive.__archiveDeleting ??= new Set());

/**
 * Copies a completed task's result into the archive before the upstream link dies: written to a
 * temporary name, checked to be whole (the announced size, or else a complete MP4), then renamed, so a
 * crash or a short read never leaves a truncated file that looks complete. One copy per task at a
 * time, and none while the task is being deleted. Across instances the task's lease decides which one copies
 * (leases.ts); a copy cut off by kill -9 lets its lease lapse and another instance copies again under the same key.
 */
export function archiveTask(record: TaskRecord): Promise<void> {
  if (deleting.has(record.id)) return Promise.resolve();
  const running = archiving.get(record.id);
  if (running) return running.done;
  const controller = new AbortController();
  // Started from a request or the poller alike, the copy logs as the archiver's own job.
  const done = withLogContext({ job: "archiver", taskId: record.id }, () =>
    underLease(record.id, () => copyResult(record, controller.signal)),
  ).finally(() => archiving.delete(record.id));
  archiving.set(record.id, { done, controller });
  return done;
}

/** Runs `copy` only while this instance holds the task's lease, renewing it meanwhile and giving it back after. */
async function underLease(taskId: string, copy: () => Promise<void>): Promise<void> {
  if (!(await claimTaskLease(taskId))) return;
  const renew = setInterval(() => {
    claimTaskLease(taskId).catch((error: unknown) =>
      log().warn({ err: error }, "renewing the archive's lease failed; trying again"),
    );
  }, leaseMs() / 3);
  renew.unref();
  try {
    await copy();
  } finally {
    clearInterval(renew);
    await releaseTaskLease(taskId).catch(() => undefined);
  }
}

async function copyResult(record: TaskRecord, cancelled: AbortSignal): Promise<void> {
  // A row from before ids were checked may carry any id: it is never turned into a path.
  if (!record.resultUrl || !TASK_ID_PATTERN.test(record.id)) return;
  const store = storage();
  const key = archiveKey(record.id);
  const partial = store.stagingPath(key);
  try {
    // A folder that cannot be written or a bucket out of reach fails here, before a byte is fetched upstream.
    await store.ready();
    const signal = AbortSignal.any([cancelled, AbortSignal.timeout(ARCHIVE_TIMEOUT_MS)]);
    const response = await fetchResult(record.resultUrl, null, signal);
    if (RESULT_LINK_GONE_STATUSES.has(response.status)) {
      await response.body?.cancel();
      if (cancelled.aborted) return;
      await updateTask(record.id, {
        archiveState: "expired",
        archiveError: `The result link answered ${response.status}: it has expired upstream.`,
      });
      log().warn({ status: response.status }, "result expired upstream before it was archived");
      return;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new IncompleteCopy(`the result link answered HTTP ${response.status}`);
    }
    const body = Readable.fromWeb(response.body as unknown as NodeWebStream<Uint8Array>);
    await pipeline(body, createWriteStream(partial, { mode: 0o600 }), { signal: cancelled });
    const size = await checkWhole(partial, response.headers.get("content-length"));
    // A delete that began meanwhile wins: its task is gone, so its file must not come back.
    if (cancelled.aborted || !(await findTask(record.id))) {
      await rm(partial, { force: true });
      return;
    }
    await store.keep(partial, key, "video/mp4");
    await updateTask(record.id, { archiveState: "archived", archiveBytes: size, archiveError: null });
    log().info({ bytes: size }, "result archived");
    globalForArchive.__onArchived?.(record.id);
    // Inside this copy's own promise, so a delete cancels and waits for it too.
    await keepReferences(record, cancelled);
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    if (cancelled.aborted) return;
    log().warn(
      { err: error, attempt: record.archiveAttempts + 1, storage: store.kind, folder: archiveDir() },
      "archiving failed; will retry",
    );
    await updateTask(record.id, {
      archiveState: "failed",
      archiveAttempts: record.archiveAttempts + 1,
      archiveError: `Could not save a copy: ${describe(error)}. The studio keeps retrying; the preview still plays from Evolink meanwhile.`,
    });
  }
}

// Shown to visitors: file system errors name the folder only as "the archive folder" (the log has the path).
function describe(error: unknown): string {
  const storageProblem = describeStorageError(error);
  if (storageProblem) return storageProblem;
  const code = (error as { code?: string }).code;
  if (code === "ENOSPC") return "the disk is full";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return "the archive folder is not writable";
  if (code === "ENOTDIR" || code === "EEXIST") return "the archive folder is not a usable folder";
  if (error instanceof IncompleteCopy) return error.message;
  // Any other file system error carries the path in its message.
  if ((error as { syscall?: string }).syscall) return `the archive folder could not be written (${code ?? "error"})`;
  return error instanceof Error ? error.message : "unknown error";
}

/**
 * Deletes a task's archived file and then the task itself (`removeRecord`), exclusive with archiving
 * it: a copy in flight is cancelled and waited for first, and none starts until the record is gone.
 */
export async function deleteArchived(taskId: string, removeRecord: () => Promise<unknown>): Promise<void> {
  deleting.add(taskId);
  try {
    const running = archiving.get(taskId);
    running?.controller.abort();
    await running?.done.catch(() => undefined);
    const store = storage();
    const keys = referenceSlots(LIMITS.maxReferenceImages).flatMap((slot) => [
      referenceSlotKey(taskId, slot),
      referenceThumbnailKey(taskId, slot),
    ]);
    for (const key of [archiveKey(taskId), ...keys]) {
      await store.remove(key);
      await rm(store.stagingPath(key), { force: true });
    }
    await removeRecord();
    // After the record: a poster kept meanwhile is either removed here or sees the task gone.
    await store.remove(posterKey(taskId));
  } finally {
    deleting.delete(taskId);
  }
}
