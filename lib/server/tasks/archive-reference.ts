import "server-only";
import { createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { RESULT_LINK_GONE_STATUSES, VIDEO_LIMITS } from "../../evolink/contract";
import { fetchResult } from "../evolink/client";
import { log } from "../log";
import { findTask, updateTask, type TaskRecord } from "../store/tasks";
import { checkWhole, IncompleteCopy } from "./archive-check";

/** A reference is usually an upload whose link lives 72 h; a copy bigger than the API accepts is no reference. */
const MAX_REFERENCE_BYTES = VIDEO_LIMITS.apiMaxBytes;
const REFERENCE_TIMEOUT_MS = 5 * 60_000;

/**
 * Copies a task's reference video to `target` once its result is kept, so the compare view still has it after the
 * link expires. Written to a temporary name, bounded in time and size, checked whole like the result, then renamed.
 * It never fails the result's own archive: a reference whose link is gone is marked `gone`, any other problem
 * `failed`, and the compare view then says so and compares the results alone.
 */
export async function copyReference(record: TaskRecord, cancelled: AbortSignal, target: string): Promise<void> {
  const partial = `${target}.part`;
  try {
    const signal = AbortSignal.any([cancelled, AbortSignal.timeout(REFERENCE_TIMEOUT_MS)]);
    const response = await fetchResult(record.request.videoUrl, null, signal);
    if (RESULT_LINK_GONE_STATUSES.has(response.status)) {
      await response.body?.cancel();
      if (!cancelled.aborted) updateTask(record.id, { referenceState: "gone" });
      return;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw new IncompleteCopy(`the reference link answered HTTP ${response.status}`);
    }
    if (Number(response.headers.get("content-length")) > MAX_REFERENCE_BYTES) {
      await response.body.cancel();
      throw new IncompleteCopy("the reference is larger than the API accepts");
    }
    const body = Readable.fromWeb(response.body as unknown as NodeWebStream<Uint8Array>);
    await pipeline(body, capped, createWriteStream(partial, { mode: 0o600 }), { signal });
    await checkWhole(partial, response.headers.get("content-length"));
    if (cancelled.aborted || !findTask(record.id)) {
      await rm(partial, { force: true });
      return;
    }
    await rename(partial, target);
    updateTask(record.id, { referenceState: "archived" });
  } catch (error) {
    await rm(partial, { force: true }).catch(() => undefined);
    if (cancelled.aborted) return;
    log().warn({ err: error }, "the reference video could not be kept; compare shows the results alone");
    updateTask(record.id, { referenceState: "failed" });
  }
}

/** Passes the body on, refusing it once it grows past the cap (a missing or lying Content-Length). */
async function* capped(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of source) {
    bytes += chunk.length;
    if (bytes > MAX_REFERENCE_BYTES) throw new IncompleteCopy("the reference is larger than the API accepts");
    yield chunk;
  }
}
