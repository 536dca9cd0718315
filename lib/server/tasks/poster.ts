import "server-only";
import { rm, stat } from "node:fs/promises";
import { archiveKey, posterKey } from "./archive";
import { storage } from "../storage";
import { readAll } from "../storage/storage";
import { ffmpegFrame, notInstalled } from "./ffmpeg-frame";
import { log, withLogContext } from "../log";
import { findTask, updateTask, type PosterState, type TaskRecord } from "../store/tasks";

/**
 * Posters: one JPEG frame (at most 640 px wide) of each archived result, made by the system's ffmpeg in a child
 * process with a time limit, one at a time, never awaited by the archive or a request. No ffmpeg on PATH leaves
 * the entry `unavailable` (the card shows a placeholder; a restart tries again); any other failure leaves it
 * `failed`, logged, and the background poller retries it up to MAX_POSTER_ATTEMPTS times.
 */
export const MAX_POSTER_ATTEMPTS = 3;
const POSTER_WIDTH = 640;
// Listing asks for at most a page or two at a time; anything beyond is asked again when next listed.
const QUEUE_MAX = 200;

const globalForPosters = globalThis as typeof globalThis & {
  __posters?: { queue: string[]; queued: Set<string>; idle: Promise<void> | null };
};
const posters = (globalForPosters.__posters ??= { queue: [], queued: new Set(), idle: null });

/** Queues a poster for a task (no-op when already queued or the queue is full). */
export function queuePoster(taskId: string): void {
  if (posters.queued.has(taskId) || posters.queue.length >= QUEUE_MAX) return;
  posters.queued.add(taskId);
  posters.queue.push(taskId);
  posters.idle ??= withLogContext({ job: "posters" }, drain).finally(() => (posters.idle = null));
}

/** Archived entries listed without a poster get one made in the background. */
export function queueMissingPosters(records: readonly TaskRecord[]): void {
  for (const record of records)
    if (record.archiveState === "archived" && record.posterState === "none") queuePoster(record.id);
}

/** Failed posters due another try: 30 s, 60 s, 120 s after each failure. */
export function retryFailedPosters(candidates: readonly TaskRecord[], now = Date.now()): void {
  for (const record of candidates)
    if (now - record.updatedAt >= 2 ** record.posterAttempts * 15_000) queuePoster(record.id);
}

/**
 * A task's poster for the poster route: its bytes and ETag, `none` when it has none yet (an archived entry
 * without one gets it queued), `unknown` when this studio has no such task.
 */
export async function readPoster(taskId: string): Promise<{ bytes: Buffer; etag: string } | "none" | "unknown"> {
  const record = await findTask(taskId);
  if (!record) return "unknown";
  queueMissingPosters([record]);
  if (record.posterState !== "ready") return "none";
  const bytes = await readAll(storage(), posterKey(taskId)).catch(() => null);
  if (!bytes) {
    // Its file went missing (removed by hand): made again, under a new version.
    await updateTask(taskId, { posterState: "none" });
    queuePoster(taskId);
    return "none";
  }
  return { bytes, etag: `"${record.posterAttempts}-${bytes.length}"` };
}

/** Resolves once every queued poster is done (for tests and the bench). */
export function postersSettled(): Promise<void> {
  return posters.idle ?? Promise.resolve();
}

async function drain(): Promise<void> {
  for (let id = posters.queue.shift(); id !== undefined; id = posters.queue.shift()) {
    await makePoster(id).catch((error: unknown) => log().error({ err: error, taskId: id }, "poster job failed"));
    posters.queued.delete(id);
  }
}

/** Makes one task's poster and records the outcome; the state it ends in (null: no such archived task). */
export async function makePoster(taskId: string): Promise<PosterState | null> {
  const record = await findTask(taskId);
  if (!record || record.archiveState !== "archived") return null;
  const store = storage();
  const key = posterKey(taskId);
  // ffmpeg picks the format by the name's ending.
  const partial = `${store.stagingPath(key)}.jpg`;
  const attempts = record.posterAttempts + 1;
  try {
    await store.ready();
    // A frame a second in avoids a black first frame; a clip shorter than that gets its first frame.
    const input = await store.source(archiveKey(taskId));
    const seeked = await ffmpegFrame(input, partial, ["-ss", "1"], POSTER_WIDTH).catch((error: unknown) => {
      if (notInstalled(error)) throw error;
      return false;
    });
    if (!seeked) await ffmpegFrame(input, partial, [], POSTER_WIDTH);
    if (!(await stat(partial).catch(() => null))?.size) throw new Error("ffmpeg wrote no frame");
    await store.keep(partial, key, "image/jpeg");
    // A delete that finished meanwhile removed the poster's key already: its task must not get one back.
    if (!(await findTask(taskId))) {
      await store.remove(key);
      return null;
    }
    await updateTask(taskId, { posterState: "ready", posterAttempts: attempts });
    return "ready";
  } catch (error) {
    await rm(partial, { force: true });
    const missing = notInstalled(error);
    const state: PosterState = missing ? "unavailable" : "failed";
    if (missing) log().warn("ffmpeg is not on PATH; cards show a placeholder instead of a poster");
    else log().warn({ err: error, taskId, attempt: attempts }, "poster failed; the video still plays");
    if (await findTask(taskId)) await updateTask(taskId, { posterState: state, posterAttempts: attempts });
    return state;
  }
}
