import "server-only";
import { randomUUID } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { type ErrorCode } from "../../errors";
import { config } from "../config";
import { log } from "../log";
import { recordUpload } from "../store/uploads";
import { checkFile, extensionOf } from "./check-file";
import { Forwarder } from "./forwarder";
import { streamToFile } from "./read-body";
import { spoolDir } from "./spool";
import { formatBytes, IMAGE_RULES, type ImageFacts, type VideoFacts } from "../../media/rules";

export type UploadKind = "video" | "image";

export type UploadOutcome =
  | { ok: true; fileUrl: string; expiresAt: string | null; facts: VideoFacts | ImageFacts }
  | { ok: false; code: ErrorCode; detail: string };

// Multipart framing around the file part; a Content-Length beyond cap + this cannot be a valid upload.
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export function videoUploadMaxBytes(): number {
  return config().uploads.maxVideoBytes;
}

/** How long an upload body may send nothing before it is dropped (`UPLOAD_IDLE_TIMEOUT_MS`). */
export function uploadIdleTimeoutMs(): number {
  return config().uploads.idleTimeoutMs;
}

function capFor(kind: UploadKind): number {
  return kind === "video" ? videoUploadMaxBytes() : IMAGE_RULES.maxBytes;
}

/** Refuses an upload from its headers alone, before reading a byte of the body. */
export function rejectByHeaders(headers: Headers, kind: UploadKind): UploadOutcome | null {
  if (!/^multipart\/form-data\b/i.test(headers.get("content-type") ?? "")) {
    return { ok: false, code: "upload_invalid", detail: "Send the file as multipart/form-data in a field named file." };
  }
  const declared = Number(headers.get("content-length"));
  if (declared > capFor(kind) + MULTIPART_OVERHEAD_BYTES) {
    return { ok: false, code: "upload_too_large", detail: tooLarge(kind, declared) };
  }
  return null;
}

/**
 * Streams one file to a temp file (counting bytes, so a lying Content-Length cannot get past the cap;
 * for a video only the boxes its check reads) and, at the same time, on to the file service; checks
 * the temp file by content against the model's rules; and only then lets the forwarded body end, so a
 * refused file is never stored upstream. A body that sends nothing for `UPLOAD_IDLE_TIMEOUT_MS` is
 * dropped. The temp file is removed whatever happens.
 */
export async function receiveUpload(request: Request, kind: UploadKind): Promise<UploadOutcome> {
  const startedAt = performance.now();
  const outcome = await receive(request, kind);
  const durationMs = Math.round(performance.now() - startedAt);
  if (outcome.ok) log().info({ kind, durationMs }, "upload checked and forwarded");
  else log().info({ kind, code: outcome.code, durationMs }, "upload refused");
  return outcome;
}

async function receive(request: Request, kind: UploadKind): Promise<UploadOutcome> {
  const early = rejectByHeaders(request.headers, kind);
  if (early) return early;
  if (!request.body) return { ok: false, code: "upload_invalid", detail: "The request has no body." };

  const folder = spoolDir();
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const tempPath = path.join(folder, `${randomUUID()}.part`);
  // Our own handle, closed on every path: a stream destroyed mid-open could otherwise leak it.
  const handle = await open(tempPath, "w", 0o600);
  const forwarder = new Forwarder(kind);
  try {
    const cap = capFor(kind);
    const received = await streamToFile(request.body, request.headers, handle, forwarder, {
      cap,
      idleMs: uploadIdleTimeoutMs(),
      tooLargeDetail: tooLarge(kind, cap + 1),
      sparse: kind === "video",
    });
    await handle.close();
    if (!received.ok) return received;
    const checked = await checkFile(kind, tempPath, received.size, cap);
    if (!checked.ok) return checked;
    if (!forwarder.upload || forwarder.sniffed?.extension !== extensionOf(checked.facts)) {
      return {
        ok: false,
        code: "unsupported_file_type",
        detail: "The file's first bytes do not match its content. Export it again.",
      };
    }
    const uploaded = await forwarder.upload.finish();
    await recordUpload({
      fileUrl: uploaded.fileUrl,
      kind,
      originalName: received.fileName || kind,
      expiresAt: uploaded.expiresAt,
    });
    return { ok: true, fileUrl: uploaded.fileUrl, expiresAt: uploaded.expiresAt, facts: checked.facts };
  } finally {
    forwarder.upload?.abort();
    await handle.close().catch(() => undefined);
    await rm(tempPath, { force: true });
  }
}

function tooLarge(kind: UploadKind, size: number): string {
  const cap = capFor(kind);
  const what =
    size > cap + MULTIPART_OVERHEAD_BYTES ? `The request is ${formatBytes(size)}` : "The file is larger than the limit";
  const hint =
    kind === "video" ? " Larger videos (up to the API's 200 MB) can be given as a public https URL instead." : "";
  return `${what}; ${kind} uploads are limited to ${formatBytes(cap)}.${hint}`;
}
