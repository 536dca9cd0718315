import "server-only";
import contentDisposition from "content-disposition";
import { fetchResult } from "./evolink/client";
import type { TaskRecord } from "./task-store";

const PASSED_HEADERS = ["content-length", "content-range", "accept-ranges", "etag", "last-modified"];

export type ResultStream =
  | { ok: true; response: Response }
  | { ok: false; reason: "expired" | "unreachable" };

/**
 * Streams a task's result video from the URL the upstream returned, passing Range through so the
 * preview player can seek. Bytes flow straight through; nothing is buffered whole.
 */
export async function streamResult(
  record: TaskRecord,
  options: { range: string | null; download: boolean; signal: AbortSignal },
): Promise<ResultStream> {
  if (!record.resultUrl) return { ok: false, reason: "unreachable" };
  let upstream: Response;
  try {
    upstream = await fetchResult(record.resultUrl, options.range, options.signal);
  } catch {
    return { ok: false, reason: "unreachable" };
  }
  if ([401, 403, 404, 410].includes(upstream.status)) {
    await upstream.body?.cancel();
    return { ok: false, reason: "expired" };
  }
  if (!upstream.ok && upstream.status !== 416) {
    await upstream.body?.cancel();
    return { ok: false, reason: "unreachable" };
  }
  const headers = new Headers({
    "Content-Type": "video/mp4",
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": contentDisposition(resultFileName(record), { type: options.download ? "attachment" : "inline" }),
  });
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
