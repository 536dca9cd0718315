import "server-only";
import { createWriteStream } from "node:fs";
import { open, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { IMAGE_LIMITS, RESULT_LINK_GONE_STATUSES, VIDEO_LIMITS } from "../../evolink/contract";
import { sniffMediaType } from "../../media/probe";
import { fetchResult } from "../evolink/client";
import { log } from "../log";
import { findTask, updateTask, type KeptReferences, type ReferenceState, type TaskRecord } from "../store/tasks";
import { referenceSlotKey, referenceSlots, referenceThumbnailKey, type ReferenceSlot } from "./archive";
import { storage } from "../storage";
import { directUploadKey } from "../uploads/direct";
import { checkWhole, IncompleteCopy } from "./archive-check";
import { ffmpegFrame, notInstalled } from "./ffmpeg-frame";

const REFERENCE_TIMEOUT_MS = 5 * 60_000;
// Cards show thumbnails at 64 px or less: twice that covers a dense screen.
const THUMBNAIL_WIDTH = 160;

/**
 * Keeps a task's references once its result is kept: the video and each image (usually uploads whose links live
 * 72 h) copied beside the result, and a thumbnail of each, so history cards, remix and compare still have them
 * after the links expire. It never fails the result's own archive: a reference whose link is gone is marked
 * `gone`, any other problem `failed` (compare then compares the results alone; remix names it for re-upload).
 */
export async function keepReferences(record: TaskRecord, cancelled: AbortSignal): Promise<void> {
  const { videoUrl, imageUrls } = record.request;
  const states: ReferenceState[] = [];
  const thumbnails: boolean[] = [];
  const slots = referenceSlots(imageUrls.length);
  for (const [index, slot] of slots.entries()) {
    const url = index === 0 ? videoUrl : (imageUrls[index - 1] ?? "");
    const state = await copyReference(record.id, url, slot, cancelled);
    if (cancelled.aborted || !(await findTask(record.id))) return;
    states.push(state);
    thumbnails.push(state === "archived" && (await makeThumbnail(record.id, slot)));
  }
  if (cancelled.aborted || !(await findTask(record.id))) return;
  const kept: KeptReferences = {
    videoThumbnail: thumbnails[0] ?? false,
    images: states.slice(1).map((state, index) => ({ state, thumbnail: thumbnails[index + 1] ?? false })),
  };
  await updateTask(record.id, { referenceState: states[0] ?? "failed", keptReferences: kept });
}

/**
 * One reference copied to its slot's key: written to a temporary name, bounded in time and to the API's own size
 * limit for its kind, checked whole (the announced length; without one, a whole MP4 or a file that starts as an
 * image does), then kept. A reference uploaded straight to the bucket was checked then: it is copied in the bucket.
 */
async function copyReference(
  taskId: string,
  url: string,
  slot: ReferenceSlot,
  cancelled: AbortSignal,
): Promise<ReferenceState> {
  const store = storage();
  const key = referenceSlotKey(taskId, slot);
  const partial = store.stagingPath(key);
  const uploaded = directUploadKey(url);
  const maxBytes = slot === "video" ? VIDEO_LIMITS.apiMaxBytes : IMAGE_LIMITS.maxBytes;
  try {
    if (uploaded && store.kind === "s3") {
      if ((await store.size(uploaded)) === null) return "gone";
      await store.copy(uploaded, key);
      return "archived";
    }
    await store.ready();
    const signal = AbortSignal.any([cancelled, AbortSignal.timeout(REFERENCE_TIMEOUT_MS)]);
    const response = await fetchResult(url, null, signal);
    if (RESULT_LINK_GONE_STATUSES.has(response.status)) {
      await response.body?.cancel();
      return "gone";
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new IncompleteCopy(`the reference link answered HTTP ${response.status}`);
    }
    if (Number(response.headers.get("content-length")) > maxBytes) {
      await response.body.cancel();
      throw new IncompleteCopy("the reference is larger than the API accepts");
    }
    const body = Readable.fromWeb(response.body as unknown as NodeWebStream<Uint8Array>);
    await pipeline(body, capped(maxBytes), createWriteStream(partial, { mode: 0o600 }), { signal });
    const length = response.headers.get("content-length");
    if (slot === "video" || length) await checkWhole(partial, length);
    const type = slot === "video" ? "video/mp4" : await kindOf(partial);
    if (!type) throw new IncompleteCopy("the reference image is not an image");
    if (cancelled.aborted || !(await findTask(taskId))) {
      await rm(partial, { force: true });
      return "none";
    }
    await store.keep(partial, key, type);
    return "archived";
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    if (!cancelled.aborted) log().warn({ err: error, slot }, "a reference could not be kept");
    return "failed";
  }
}

/** Passes the body on, refusing it once it grows past the cap (a missing or lying Content-Length). */
function capped(maxBytes: number) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    let bytes = 0;
    for await (const chunk of source) {
      bytes += chunk.length;
      if (bytes > maxBytes) throw new IncompleteCopy("the reference is larger than the API accepts");
      yield chunk;
    }
  };
}

/** A kept reference image's type from its first bytes (its Content-Type when served); null for anything else. */
export async function keptKindOf(key: string): Promise<string | null> {
  const store = storage();
  const body = await store.read(key, { start: 0, end: 15 }).catch(() => null);
  if (!body) return null;
  const head = Buffer.from(await new Response(body).arrayBuffer());
  return sniffMediaType(head, "image")?.mime ?? null;
}

/** A file's image type from its first bytes; null for anything else. */
export async function kindOf(file: string): Promise<string | null> {
  const handle = await open(file, "r").catch(() => null);
  if (!handle) return null;
  try {
    const head = Buffer.alloc(16);
    await handle.read(head, 0, 16, 0);
    return sniffMediaType(head, "image")?.mime ?? null;
  } finally {
    await handle.close();
  }
}

/** A small JPEG of a kept reference (a frame a second into a video, or the image); false when none was made. */
async function makeThumbnail(taskId: string, slot: ReferenceSlot): Promise<boolean> {
  const store = storage();
  const key = referenceThumbnailKey(taskId, slot);
  // ffmpeg picks the format by the name's ending.
  const target = `${store.stagingPath(key)}.jpg`;
  try {
    const seek = slot === "video" ? ["-ss", "1"] : [];
    const made = await ffmpegFrame(await store.source(referenceSlotKey(taskId, slot)), target, seek, THUMBNAIL_WIDTH);
    if (made) await store.keep(target, key, "image/jpeg");
    else await rm(target, { force: true });
    return made;
  } catch (error) {
    await rm(target, { force: true });
    if (notInstalled(error)) return false;
    log().warn({ err: error, slot }, "a reference thumbnail failed; the card shows a placeholder");
    return false;
  }
}
