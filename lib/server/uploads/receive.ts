import "server-only";
import { randomUUID } from "node:crypto";
import { mkdir, open, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import busboy from "busboy";
import { type ErrorCode } from "../../errors";
import { startUpload, UpstreamError, type StreamingUpload } from "../evolink/client";
import { config } from "../config";
import { log } from "../log";
import { recordUpload } from "../store/uploads";
import { spoolAndForward, spoolDir } from "./spool";
import { probeVideoIsolated } from "../media/isolated-probe";
import { MediaProbeError, probeImage, sniffMediaType, type SniffedType } from "../../media/probe";
import {
  formatBytes,
  IMAGE_RULES,
  imageProblems,
  videoProblems,
  type ImageFacts,
  type VideoFacts,
} from "../../media/rules";

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
    const received = await streamToFile(request.body, request.headers, kind, handle, forwarder);
    await handle.close();
    if (!received.ok) return received;
    const checked = await checkFile(kind, tempPath, received.size);
    if (!checked.ok) return checked;
    if (!forwarder.upload || forwarder.sniffed?.extension !== extensionOf(checked.facts)) {
      return {
        ok: false,
        code: "unsupported_file_type",
        detail: "The file's first bytes do not match its content. Export it again.",
      };
    }
    const uploaded = await forwarder.upload.finish();
    recordUpload({
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

const SNIFF_BYTES = 16;

/** Starts the file-service upload once the first bytes tell what the file is, then passes every chunk on. */
class Forwarder {
  upload: StreamingUpload | null = null;
  sniffed: SniffedType | null = null;
  fileName = "";
  private head: Buffer[] = [];
  private headBytes = 0;
  private unknown = false;

  constructor(private readonly kind: UploadKind) {}

  async write(chunk: Buffer): Promise<void> {
    if (this.upload) return this.upload.write(chunk);
    // An unrecognisable file is only written to disk; the check then refuses it with the reason.
    if (this.unknown) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return;
    const head = Buffer.concat(this.head);
    this.head = [];
    this.sniffed = sniffMediaType(head, this.kind);
    if (!this.sniffed) {
      this.unknown = true;
      return;
    }
    this.upload = await startUpload(safeName(this.fileName, this.sniffed.extension), this.sniffed.mime);
    await this.upload.write(head);
  }
}

type Received = { ok: true; size: number; fileName: string } | Extract<UploadOutcome, { ok: false }>;

async function streamToFile(
  stream: ReadableStream<Uint8Array>,
  headers: Headers,
  kind: UploadKind,
  target: FileHandle,
  forwarder: Forwarder,
): Promise<Received> {
  const cap = capFor(kind);
  const body = Readable.fromWeb(stream as unknown as NodeWebStream<Uint8Array>);
  return new Promise<Received>((resolve, reject) => {
    let fileSeen = false;
    let settled = false;
    let fileStream: Readable | undefined;
    const stopReading = () => {
      body.unpipe();
      body.destroy();
      fileStream?.destroy();
    };
    const finish = (result: Received) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      // On any failure stop reading and close the temp file, so no handle outlives the request.
      if (!result.ok) stopReading();
      resolve(result);
    };
    // The file service refused the upload while it streamed (a bad key, a full quota): that is the answer.
    const refusedUpstream = (error: UpstreamError) => {
      if (settled) return;
      settled = true;
      clearTimeout(idle);
      stopReading();
      reject(error);
    };
    // A client that stops sending would otherwise hold the temp file, the buffers and the file-service
    // request until the server's 300 s request timeout.
    const idleMs = uploadIdleTimeoutMs();
    const stalled = () => {
      // Paused means the studio holds the body back (the file service is slower): not the client's silence.
      if (body.isPaused()) return void idle.refresh();
      finish({
        ok: false,
        code: "upload_stalled",
        detail: `No data arrived for ${Math.round(idleMs / 100) / 10} s; the upload was dropped and nothing was kept.`,
      });
    };
    const idle = setTimeout(stalled, idleMs);
    let parser: busboy.Busboy;
    try {
      // busboy signals `limit` on reaching fileSize, so cap + 1 lets a file of exactly the cap through.
      parser = busboy({
        headers: { "content-type": headers.get("content-type") ?? "" },
        limits: { files: 1, fileSize: cap + 1, fields: 4, parts: 6 },
        // 1 MiB buffers instead of 16–64 KiB: far fewer chunks to pass on, which is most of the per-byte cost.
        highWaterMark: 1024 * 1024,
        fileHwm: 1024 * 1024,
      });
    } catch {
      finish({
        ok: false,
        code: "upload_invalid",
        detail: "The multipart body has no boundary; send it as a normal file upload.",
      });
      return;
    }
    parser.on("file", (field, file, info) => {
      if (field !== "file" || fileSeen) {
        file.resume();
        return;
      }
      fileSeen = true;
      fileStream = file;
      forwarder.fileName = info.filename ?? "";
      let truncated = false;
      file.on("limit", () => {
        truncated = true;
        finish({ ok: false, code: "upload_too_large", detail: tooLarge(kind, cap + 1) });
      });
      spoolAndForward(file, target, (data) => forwarder.write(data), kind === "video").then(
        (size) => {
          if (!truncated) finish({ ok: true, size, fileName: info.filename ?? "" });
        },
        (error: unknown) =>
          error instanceof UpstreamError
            ? refusedUpstream(error)
            : finish({ ok: false, code: "upload_interrupted", detail: "The file stream broke off." }),
      );
    });
    parser.on("filesLimit", () => finish({ ok: false, code: "upload_invalid", detail: "Send one file per upload." }));
    parser.on("error", () =>
      finish({ ok: false, code: "upload_interrupted", detail: "The upload ended before the file was complete." }),
    );
    parser.on("close", () => {
      if (!fileSeen) finish({ ok: false, code: "upload_invalid", detail: "No file was sent in the field named file." });
    });
    body.on("error", () =>
      finish({ ok: false, code: "upload_interrupted", detail: "The connection closed during the upload." }),
    );
    body.pipe(parser);
    body.on("data", () => idle.refresh());
    body.once("end", () => clearTimeout(idle));
  });
}

type Checked = { ok: true; facts: VideoFacts | ImageFacts } | Extract<UploadOutcome, { ok: false }>;

const PROBE_ERROR_CODES: Record<MediaProbeError["kind"], ErrorCode> = {
  type: "unsupported_file_type",
  unreadable: "media_rule_violation",
  limit: "media_probe_failed",
  busy: "media_probe_busy",
};

async function checkFile(kind: UploadKind, filePath: string, size: number): Promise<Checked> {
  try {
    if (kind === "video") {
      // Untrusted bytes meet the demuxer only in a worker bounded in time and memory.
      const facts = await probeVideoIsolated(filePath, size);
      const problems = videoProblems(facts, capFor(kind));
      return problems.length
        ? { ok: false, code: "media_rule_violation", detail: problems.join(" ") }
        : { ok: true, facts };
    }
    const facts = probeImage(await readHead(filePath), size);
    const problems = imageProblems(facts);
    return problems.length
      ? { ok: false, code: "media_rule_violation", detail: problems.join(" ") }
      : { ok: true, facts };
  } catch (error) {
    if (error instanceof MediaProbeError)
      return { ok: false, code: PROBE_ERROR_CODES[error.kind], detail: error.message };
    throw error;
  }
}

// Image headers sit near the start; JPEGs with big EXIF blocks need more than a few kB.
async function readHead(filePath: string): Promise<Uint8Array> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(512 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function extensionOf(facts: VideoFacts | ImageFacts): SniffedType["extension"] {
  return "container" in facts ? facts.container : facts.type;
}

/** A name the file service will accept, with the extension of what the file really is. */
function safeName(original: string, extension: SniffedType["extension"]): string {
  const base =
    path
      .basename(original)
      .replace(/\.[^.]*$/, "")
      .replace(/[^a-zA-Z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "reference";
  return `${base}-${randomUUID().slice(0, 8)}.${extension}`;
}

function tooLarge(kind: UploadKind, size: number): string {
  const cap = capFor(kind);
  const what =
    size > cap + MULTIPART_OVERHEAD_BYTES ? `The request is ${formatBytes(size)}` : "The file is larger than the limit";
  const hint =
    kind === "video" ? " Larger videos (up to the API's 200 MB) can be given as a public https URL instead." : "";
  return `${what}; ${kind} uploads are limited to ${formatBytes(cap)}.${hint}`;
}
