import "server-only";
import { RESULT_LINK_GONE_STATUSES } from "../../evolink/contract";
import contentDisposition from "content-disposition";
export { fromFile } from "../storage/file-response";
import { archiveKey } from "./archive";
import { storage } from "../storage";
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
 * Streams a task's result: from the archive when it has a copy (the folder's bytes, or a redirect to a
 * short-lived link of the bucket's copy, named for download the same way), else from the URL the upstream
 * returned for the task. Range is honoured either way so players can seek; nothing is buffered whole.
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
    const archived = await storage().serve(archiveKey(record.id), { range: options.range, headers });
    if (archived) return { ok: true, response: archived };
  }
  return fromUpstream(record, options, headers);
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
