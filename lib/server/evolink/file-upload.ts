import "server-only";
import { randomUUID } from "node:crypto";
import http, { type ClientRequest } from "node:http";
import https from "node:https";
import { resolveErrorCode } from "../../errors";
import { fileServiceBody } from "../../evolink/schemas";
import { upstreamConfig } from "./config";
import { errorFromResponse, headersOf, logCall, safeJson } from "./transport";
import { UpstreamError } from "./upstream-error";

const UPLOAD_TIMEOUT_MS = 10 * 60_000;

export interface UploadedFile {
  fileUrl: string;
  expiresAt: string | null;
}

/** A file-service upload that streams while the file is still arriving; nothing is stored until `finish`. */
export interface StreamingUpload {
  /** Sends a chunk of the file; resolves once the socket has taken it, so a slow upstream slows the reader. */
  write(chunk: Uint8Array): Promise<void>;
  /** Completes the request body (the closing boundary was held back until now) and reads the answer. */
  finish(): Promise<UploadedFile>;
  /** Drops the request before its body is complete, so the file service stores nothing. */
  abort(): void;
}

interface Reply {
  status: number;
  text: string;
  headers: Headers;
}

/** What one upload shares between its request's events and its caller: the first failure wins. */
interface UploadState {
  failure: UpstreamError | null;
  finishing: boolean;
}

/**
 * Starts the file service's stream upload at once, so forwarding overlaps receiving; the caller checks
 * the file meanwhile and only then lets the multipart body end.
 */
export async function startUpload(fileName: string, mimeType: string): Promise<StreamingUpload> {
  const { filesBase, apiKey } = await upstreamConfig();
  const boundary = `----kling-studio-${randomUUID()}`;
  const url = new URL(`${filesBase}/api/v1/files/upload/stream`);
  // file_name goes first, so a service that names the file as it streams already knows it.
  const head =
    `--${boundary}\r\nContent-Disposition: form-data; name="file_name"\r\n\r\n${fileName}\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: ${mimeType}\r\n\r\n`;
  const startedAt = performance.now();
  const request = (url.protocol === "https:" ? https : http).request(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": `multipart/form-data; boundary=${boundary}` },
    signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
  });
  const state: UploadState = { failure: null, finishing: false };
  const answer = replyTo(request, url, startedAt, state);
  // An early answer (a refused key, a full quota) arrives while the file is still streaming.
  answer.then(
    (early) => {
      if (state.finishing) return;
      state.failure ??=
        fileServiceFailure(early) ??
        new UpstreamError("upstream_malformed", "The file service answered before the upload ended", early.status);
    },
    () => undefined,
  );
  const send = writerFor(request, state);
  await send(head);
  return {
    write: send,
    async finish() {
      state.finishing = true;
      request.end(`\r\n--${boundary}--\r\n`);
      const reply = await answer;
      const refused = fileServiceFailure(reply);
      if (refused) throw refused;
      const body = fileServiceBody.parse(safeJson(reply.text));
      return { fileUrl: body.data?.file_url as string, expiresAt: body.data?.expires_at ?? null };
    },
    abort() {
      if (!state.finishing) request.destroy();
    },
  };
}

/** The file service's answer, read whole; a request error rejects with the upload's (first) failure. */
function replyTo(request: ClientRequest, url: URL, startedAt: number, state: UploadState): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    request.on("response", (response) => {
      logCall("POST", url.href, 1, startedAt, { status: response.statusCode ?? 502 });
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolve({
          status: response.statusCode ?? 502,
          text: Buffer.concat(chunks).toString("utf8"),
          headers: headersOf(response),
        }),
      );
      response.on("error", reject);
    });
    request.on("error", (error) => {
      const timedOut = error.name === "AbortError" || error.name === "TimeoutError";
      if (!state.failure) logCall("POST", url.href, 1, startedAt, { failure: timedOut ? "timeout" : "connection" });
      state.failure ??= new UpstreamError(timedOut ? "upstream_timeout" : "upstream_unreachable", undefined, undefined);
      reject(state.failure);
    });
  });
}

/** Writes to the request body; waits only when the socket's buffer is full, not for every chunk to reach the kernel. */
function writerFor(request: ClientRequest, state: UploadState): (data: Uint8Array | string) => Promise<void> {
  return (data) =>
    new Promise<void>((resolve, reject) => {
      if (state.failure) return reject(state.failure);
      if (request.write(data)) return resolve();
      const settle = () => {
        request.off("drain", settle);
        request.off("close", settle);
        if (state.failure) reject(state.failure);
        else if (request.destroyed) reject(new UpstreamError("upstream_unreachable", undefined, undefined));
        else resolve();
      };
      request.on("drain", settle);
      request.on("close", settle);
    });
}

/** The file service's failures come as a non-2xx status or as 200 with success:false and a numeric code. */
function fileServiceFailure(reply: Reply): UpstreamError | null {
  const parsed = fileServiceBody.safeParse(safeJson(reply.text));
  if (!parsed.success) {
    if (reply.status < 200 || reply.status >= 300) return errorFromResponse(reply, reply.text);
    return new UpstreamError("upstream_malformed", "Unreadable file service response", reply.status);
  }
  const body = parsed.data;
  if (reply.status < 200 || reply.status >= 300 || body.success === false || !body.data?.file_url) {
    return new UpstreamError(resolveErrorCode(body.code, reply.status), body.msg, reply.status);
  }
  return null;
}
