import "server-only";
import type { FileHandle } from "node:fs/promises";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import busboy from "busboy";
import { UpstreamError } from "../evolink/upstream-error";
import type { Forwarder } from "./forwarder";
import type { UploadOutcome } from "./receive";
import { spoolAndForward } from "./spool";

export type Received = { ok: true; size: number; fileName: string } | Extract<UploadOutcome, { ok: false }>;

export interface ReadOptions {
  /** The upload limit for this kind of file. */
  cap: number;
  /** How long the body may send nothing before it is dropped. */
  idleMs: number;
  /** The refusal's detail when the file passes the cap. */
  tooLargeDetail: string;
  /** Whether to spool only the boxes a video's check reads. */
  sparse: boolean;
}

/** One body's reading: settled once (the first outcome wins), and any failure stops reading. */
interface Run {
  finish(result: Received): void;
  refusedUpstream(error: UpstreamError): void;
  idle: NodeJS.Timeout;
  fileStream: Readable | undefined;
}

/** Streams the multipart body's one file part to `target` and through `forwarder`, within the cap and idle limit. */
export async function streamToFile(
  stream: ReadableStream<Uint8Array>,
  headers: Headers,
  target: FileHandle,
  forwarder: Forwarder,
  options: ReadOptions,
): Promise<Received> {
  const body = Readable.fromWeb(stream as unknown as NodeWebStream<Uint8Array>);
  return new Promise<Received>((resolve, reject) => {
    const run = startRun(body, options.idleMs, resolve, reject);
    const parser = multipartParser(headers, options.cap);
    if (!parser) {
      run.finish({
        ok: false,
        code: "upload_invalid",
        detail: "The multipart body has no boundary; send it as a normal file upload.",
      });
      return;
    }
    let fileSeen = false;
    parser.on("file", (field, file, info) => {
      if (field !== "file" || fileSeen) {
        file.resume();
        return;
      }
      fileSeen = true;
      readFilePart(file, info.filename ?? "", run, target, forwarder, options);
    });
    parser.on("filesLimit", () =>
      run.finish({ ok: false, code: "upload_invalid", detail: "Send one file per upload." }),
    );
    parser.on("error", () =>
      run.finish({ ok: false, code: "upload_interrupted", detail: "The upload ended before the file was complete." }),
    );
    parser.on("close", () => {
      if (!fileSeen)
        run.finish({ ok: false, code: "upload_invalid", detail: "No file was sent in the field named file." });
    });
    body.on("error", () =>
      run.finish({ ok: false, code: "upload_interrupted", detail: "The connection closed during the upload." }),
    );
    body.pipe(parser);
    body.on("data", () => run.idle.refresh());
    body.once("end", () => clearTimeout(run.idle));
  });
}

function startRun(
  body: Readable,
  idleMs: number,
  resolve: (result: Received) => void,
  reject: (error: unknown) => void,
): Run {
  let settled = false;
  const settle = () => {
    if (settled) return false;
    settled = true;
    clearTimeout(run.idle);
    return true;
  };
  const stopReading = () => {
    body.unpipe();
    body.destroy();
    run.fileStream?.destroy();
  };
  const run: Run = {
    fileStream: undefined,
    finish(result) {
      if (!settle()) return;
      // On any failure stop reading and close the temp file, so no handle outlives the request.
      if (!result.ok) stopReading();
      resolve(result);
    },
    // The file service refused the upload while it streamed (a bad key, a full quota): that is the answer.
    refusedUpstream(error) {
      if (!settle()) return;
      stopReading();
      reject(error);
    },
    // A client that stops sending would otherwise hold the temp file, the buffers and the file-service
    // request until the server's 300 s request timeout.
    idle: setTimeout(() => {
      // Paused means the studio holds the body back (the file service is slower): not the client's silence.
      if (body.isPaused()) return void run.idle.refresh();
      run.finish({
        ok: false,
        code: "upload_stalled",
        detail: `No data arrived for ${Math.round(idleMs / 100) / 10} s; the upload was dropped and nothing was kept.`,
      });
    }, idleMs),
  };
  return run;
}

/** The multipart parser for this body, or null when its Content-Type names no boundary. */
function multipartParser(headers: Headers, cap: number): busboy.Busboy | null {
  try {
    // busboy signals `limit` on reaching fileSize, so cap + 1 lets a file of exactly the cap through.
    return busboy({
      headers: { "content-type": headers.get("content-type") ?? "" },
      limits: { files: 1, fileSize: cap + 1, fields: 4, parts: 6 },
      // 1 MiB buffers instead of 16–64 KiB: far fewer chunks to pass on, which is most of the per-byte cost.
      highWaterMark: 1024 * 1024,
      fileHwm: 1024 * 1024,
    });
  } catch {
    return null;
  }
}

function readFilePart(
  file: Readable,
  fileName: string,
  run: Run,
  target: FileHandle,
  forwarder: Forwarder,
  options: ReadOptions,
): void {
  run.fileStream = file;
  forwarder.fileName = fileName;
  let truncated = false;
  file.on("limit", () => {
    truncated = true;
    run.finish({ ok: false, code: "upload_too_large", detail: options.tooLargeDetail });
  });
  spoolAndForward(file, target, (data) => forwarder.write(data), options.sparse).then(
    (size) => {
      if (!truncated) run.finish({ ok: true, size, fileName });
    },
    (error: unknown) =>
      error instanceof UpstreamError
        ? run.refusedUpstream(error)
        : run.finish({ ok: false, code: "upload_interrupted", detail: "The file stream broke off." }),
  );
}
