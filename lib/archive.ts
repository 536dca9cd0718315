import "server-only";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { fetchResult } from "./evolink/client";
import { log, withLogContext } from "./log";
import { dataDir } from "./store/connection";
import { updateTask, type TaskRecord } from "./store/tasks";

const ARCHIVE_TIMEOUT_MS = 15 * 60_000;
export const MAX_ARCHIVE_ATTEMPTS = 10;

/** Where finished videos are kept (`ARCHIVE_DIR`, default `$DATA_DIR/videos`). */
export function archiveDir(): string {
  // Chosen at run time by the operator; not a build input for Turbopack to trace.
  return path.resolve(/*turbopackIgnore: true*/ process.env.ARCHIVE_DIR || path.join(dataDir(), "videos"));
}

export function archivePath(taskId: string): string {
  return path.join(archiveDir(), `${taskId}.mp4`);
}

/** Waits between archive retries: 2^attempts seconds, at most 5 minutes. */
export function archiveRetryDue(record: TaskRecord, now = Date.now()): boolean {
  if (record.archiveState !== "failed") return true;
  return now - record.updatedAt >= Math.min(300, 2 ** record.archiveAttempts) * 1000;
}

const globalForArchive = globalThis as typeof globalThis & { __archiving?: Map<string, Promise<void>> };
const archiving = (globalForArchive.__archiving ??= new Map());

/**
 * Copies a completed task's result into the archive before the upstream link dies: written to a
 * temporary name, checked against the announced size, then renamed, so a crash or a short read never
 * leaves a truncated file that looks complete. One copy per task at a time.
 */
export function archiveTask(record: TaskRecord): Promise<void> {
  let running = archiving.get(record.id);
  if (!running) {
    // Started from a request or the poller alike, the copy logs as the archiver's own job.
    running = withLogContext({ job: "archiver", taskId: record.id }, () => copyResult(record)).finally(() => archiving.delete(record.id));
    archiving.set(record.id, running);
  }
  return running;
}

async function copyResult(record: TaskRecord): Promise<void> {
  if (!record.resultUrl) return;
  const target = archivePath(record.id);
  const partial = `${target}.part`;
  try {
    // A folder that cannot be written fails here, before a byte is fetched from the upstream.
    await mkdir(archiveDir(), { recursive: true });
    const response = await fetchResult(record.resultUrl, null, AbortSignal.timeout(ARCHIVE_TIMEOUT_MS));
    if ([401, 403, 404, 410].includes(response.status)) {
      await response.body?.cancel();
      updateTask(record.id, { archiveState: "expired", archiveError: `The result link answered ${response.status}: it has expired upstream.` });
      log().warn({ status: response.status }, "result expired upstream before it was archived");
      return;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new Error(`the result link answered HTTP ${response.status}`);
    }
    await pipeline(Readable.fromWeb(response.body as unknown as NodeWebStream<Uint8Array>), createWriteStream(partial));
    const { size } = await stat(partial);
    const announced = Number(response.headers.get("content-length"));
    if (size === 0 || (announced > 0 && size !== announced)) {
      throw new Error(`the copy is incomplete (${size} of ${announced || "?"} bytes)`);
    }
    await rename(partial, target);
    updateTask(record.id, { archiveState: "archived", archiveBytes: size, archiveError: null });
    log().info({ bytes: size }, "result archived");
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    log().warn({ err: error, attempt: record.archiveAttempts + 1 }, "archiving failed; will retry");
    updateTask(record.id, {
      archiveState: "failed",
      archiveAttempts: record.archiveAttempts + 1,
      archiveError: `Could not save a copy: ${describe(error)}. The studio keeps retrying; the preview still plays from Evolink meanwhile.`,
    });
  }
}

function describe(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === "ENOSPC") return "the disk is full";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") return `${archiveDir()} is not writable`;
  if (code === "ENOTDIR" || code === "EEXIST") return `${archiveDir()} is not a usable folder`;
  return error instanceof Error ? error.message : "unknown error";
}

/** Removes a task's archived file, if any. */
export async function deleteArchive(taskId: string): Promise<void> {
  await rm(archivePath(taskId), { force: true });
  await rm(`${archivePath(taskId)}.part`, { force: true });
}
