import "server-only";
import { RESULT_LINK_GONE_STATUSES } from "../../evolink/contract";
import { open, type FileHandle } from "node:fs/promises";
import contentDisposition from "content-disposition";
import parseRange from "range-parser";
import { archivePath } from "./archive";
import { fetchResult } from "../evolink/client";
import type { TaskRecord } from "../store/tasks";

const PASSED_HEADERS = ["content-length", "content-range", "accept-ranges", "etag", "last-modified"];

export type ResultStream = { ok: true; response: Response } | { ok: false; reason: "expired" | "unreachable" };

interface StreamOptions {
  range: string | null;
  download: boolean;
  signal: AbortSignal;
}

/**
 * Streams a task's result: from this instance's archive when it has a copy, else from the URL the
 * upstream returned for the task. Range is honoured either way so players can seek; nothing is
 * buffered whole.
 */
export async function streamResult(record: TaskRecord, options: StreamOptions): Promise<ResultStream> {
  const headers = new Headers({
    "Content-Type": "video/mp4",
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": contentDisposition(resultFileName(record), {
      type: options.download ? "attachment" : "inline",
    }),
  });
  if (record.archiveState === "archived") {
    const archived = await fromFile(archivePath(record.id), options.range, headers);
    if (archived) return { ok: true, response: archived };
  }
  return fromUpstream(record, options, headers);
}

/** A kept file with Range honoured (206, 416, or the whole file for a malformed range); null when it is not there. */
export async function fromFile(filePath: string, range: string | null, headers: Headers): Promise<Response | null> {
  const handle = await open(filePath, "r").catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    headers.set("Accept-Ranges", "bytes");
    const ranges = range ? parseRange(size, range, { combine: true }) : -2;
    if (ranges === -1) {
      await handle.close();
      headers.set("Content-Range", `bytes */${size}`);
      return new Response(null, { status: 416, headers });
    }
    // Malformed or multi-part ranges get the whole file, as static servers do.
    const single = Array.isArray(ranges) && ranges.type === "bytes" && ranges.length === 1 ? ranges[0] : undefined;
    const start = single?.start ?? 0;
    const end = single?.end ?? size - 1;
    if (single) headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
    return new Response(fileBody(handle, start, end), { status: single ? 206 : 200, headers });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

const READ_BYTES = 1024 * 1024;

/**
 * Bytes start..end (inclusive) of an open file as a web stream of 1 MiB reads, each a fresh buffer passed
 * on as it is: no copy per chunk (Readable.toWeb makes one), and 16× fewer chunks than a 64 KiB stream
 * for the response pipe to handle. The handle closes at the end, on an error and when the reader cancels.
 */
function fileBody(handle: FileHandle, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  const close = () => handle.close().catch(() => undefined);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          if (position > end) {
            controller.close();
            await close();
            return;
          }
          const wanted = Math.min(READ_BYTES, end + 1 - position);
          const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafeSlow(wanted), 0, wanted, position);
          if (bytesRead === 0) throw new Error("the archived file is shorter than it was when the answer began");
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          controller.error(error);
          await close();
        }
      },
      cancel: close,
    },
    // One read ahead, so the disk and the socket work at the same time.
    { highWaterMark: 2 },
  );
}

async function fromUpstream(record: TaskRecord, options: StreamOptions, headers: Headers): Promise<ResultStream> {
  if (!record.resultUrl) return { ok: false, reason: "unreachable" };
  let upstream: Response;
  try {
    upstream = await fetchResult(record.resultUrl, options.range, options.signal);
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  if (RESULT_LINK_GONE_STATUSES.has(upstream.status)) {
    await upstream.body?.cancel();
    return { ok: false, reason: "expired" };
  }
  if (!upstream.ok && upstream.status !== 416) {
    await upstream.body?.cancel();
    return { ok: false, reason: "unreachable" };
  }
  for (const name of PASSED_HEADERS) {
    const value = upstream.headers.get(name);
    if (value) headers.set(name, value);
  }
  return { ok: true, response: new Response(upstream.body, { status: upstream.status, headers }) };
}

/** `kling-<first words of the prompt>-<task id>.mp4`, ASCII-only so every OS keeps it. */
export function resultFileName(record: Pick<TaskRecord, "id" | "request">): string {
  const words = record.request.prompt
    .replace(/<<<[^<>]*>>>|\[sim:[^\]]*\]/gi, " ")
    .normalize("NFKD")
    .replace(/[^\x00-\x7f]/g, "")
    .toLowerCase()
    .match(/[a-z0-9]+/g);
  const slug = (words ?? []).slice(0, 6).join("-").slice(0, 48).replace(/-+$/, "");
  return `kling-${slug ? `${slug}-` : ""}${record.id}.mp4`;
}
