import "server-only";
import { MODEL } from "../../evolink/contract";
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import pRetry from "p-retry";
import { resolveErrorCode, ERROR_CATALOG, type ErrorCode } from "../../errors";
import type { GenerationRequest } from "../../generation/schema";
import { log } from "../log";
import { fetchUpstreamLink } from "../http/outbound";
import { scrubSecrets, scrubSecretsDeep } from "../scrub-secrets";
import { config } from "../config";
import { upstreamConfig } from "./config";
import { UPSTREAM_READ_RETRY } from "../../tasks/polling";
import {
  fileServiceBody,
  toUpstreamTask,
  upstreamErrorEnvelope,
  upstreamTaskBody,
  type UpstreamTask,
} from "../../evolink/schemas";

const UPLOAD_TIMEOUT_MS = 10 * 60_000;
// Retry-After longer than this is handed to the browser instead of holding its request open.

const UPSTREAM_ERROR_BRAND = Symbol.for("kling-o3-studio.UpstreamError");

export class UpstreamError extends Error {
  readonly [UPSTREAM_ERROR_BRAND] = true;

  // Next bundles instrumentation (the background poller) apart from the routes, so one process can hold two
  // copies of this class, and a refresh the poller started can reject into a route that joined it.
  // `instanceof` therefore checks the brand, which both copies share.
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[UPSTREAM_ERROR_BRAND] === true
    );
  }

  /** Evolink's words, with any configured secret it echoed (the key, say) already replaced. */
  readonly upstreamMessage: string | undefined;

  constructor(
    readonly code: ErrorCode,
    upstreamMessage: string | undefined,
    readonly httpStatus: number | undefined,
    readonly retryAfterMs: number | undefined = undefined,
  ) {
    const said = scrubSecrets(upstreamMessage);
    super(`${code}${said ? `: ${said}` : ""}`);
    this.name = "UpstreamError";
    this.upstreamMessage = said;
  }

  get retryable(): boolean {
    return ERROR_CATALOG[this.code].retryable;
  }
}

/**
 * Creates a task. Never retried automatically: a failure after sending may already be a billed task.
 * With `callbackUrl`, Evolink also POSTs the finished task there (CONTRACT.md, "Callbacks").
 */
export async function createGeneration(request: GenerationRequest, callbackUrl?: string): Promise<UpstreamTask> {
  const { apiBase, apiKey } = await upstreamConfig();
  const body = {
    model: MODEL,
    prompt: request.prompt,
    video_url: request.videoUrl,
    ...(request.imageUrls.length ? { image_urls: request.imageUrls } : {}),
    duration: request.duration,
    aspect_ratio: request.aspectRatio,
    quality: request.quality,
    keep_original_sound: request.keepOriginalSound,
    ...(callbackUrl ? { callback_url: callbackUrl } : {}),
  };
  const response = await send(`${apiBase}/v1/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
    timeoutMs: config().evolink.createTimeoutMs,
    ambiguousCode: "create_outcome_unknown",
    attempt: 1,
  }).catch((error: unknown) => {
    // A gateway error, or a 5xx without Evolink's own error body, says nothing about whether the
    // task was created behind it: report it as unknown so nobody is invited to pay twice.
    if (error instanceof UpstreamError && isAmbiguousCreateFailure(error)) {
      throw new UpstreamError("create_outcome_unknown", error.upstreamMessage, error.httpStatus);
    }
    throw error;
  });
  try {
    return parseTask(response);
  } catch {
    // A 200 we cannot read may still be a created (billable) task: never treat it as "nothing happened".
    throw new UpstreamError("create_outcome_unknown", "Unreadable create response", response.status);
  }
}

/** Reads a task; idempotent, so transient failures are retried with jittered backoff. */
export async function getTask(taskId: string): Promise<UpstreamTask> {
  const { apiBase, apiKey } = await upstreamConfig();
  const { getTimeoutMs: getMs } = config().evolink;
  return pRetry(
    async (attempt) => {
      const response = await send(`${apiBase}/v1/tasks/${encodeURIComponent(taskId)}`, {
        method: "GET",
        headers: { Authorization: `Bearer ${apiKey}` },
        timeoutMs: getMs,
        ambiguousCode: "upstream_timeout",
        attempt,
      });
      return parseTask(response);
    },
    {
      retries: UPSTREAM_READ_RETRY.retries,
      minTimeout: UPSTREAM_READ_RETRY.minTimeoutMs,
      maxTimeout: UPSTREAM_READ_RETRY.maxTimeoutMs,
      randomize: true,
      // Only called when a retry is still possible, so a Retry-After wait never delays a final error.
      shouldRetry: async ({ error }) => {
        if (!(error instanceof UpstreamError) || !error.retryable) return false;
        const wait = error.retryAfterMs ?? 0;
        if (wait > UPSTREAM_READ_RETRY.maxInlineRetryAfterMs) return false;
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        return true;
      },
    },
  );
}

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
  let failure: UpstreamError | null = null;
  const answer = new Promise<{ status: number; text: string; headers: Headers }>((resolve, reject) => {
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
      if (!failure) logCall("POST", url.href, 1, startedAt, { failure: timedOut ? "timeout" : "connection" });
      failure ??= new UpstreamError(timedOut ? "upstream_timeout" : "upstream_unreachable", undefined, undefined);
      reject(failure);
    });
  });
  // An early answer (a refused key, a full quota) arrives while the file is still streaming.
  answer.then(
    (early) => {
      if (finishing) return;
      failure ??=
        fileServiceFailure(early) ??
        new UpstreamError("upstream_malformed", "The file service answered before the upload ended", early.status);
    },
    () => undefined,
  );
  // Waits only when the socket's buffer is full, not for every chunk to reach the kernel.
  const send = (data: Uint8Array | string) =>
    new Promise<void>((resolve, reject) => {
      if (failure) return reject(failure);
      if (request.write(data)) return resolve();
      const settle = () => {
        request.off("drain", settle);
        request.off("close", settle);
        if (failure) reject(failure);
        else if (request.destroyed) reject(new UpstreamError("upstream_unreachable", undefined, undefined));
        else resolve();
      };
      request.on("drain", settle);
      request.on("close", settle);
    });
  let finishing = false;
  await send(head);
  return {
    write: send,
    async finish() {
      finishing = true;
      request.end(`\r\n--${boundary}--\r\n`);
      const reply = await answer;
      const refused = fileServiceFailure(reply);
      if (refused) throw refused;
      const body = fileServiceBody.parse(safeJson(reply.text));
      return { fileUrl: body.data?.file_url as string, expiresAt: body.data?.expires_at ?? null };
    },
    abort() {
      if (!finishing) request.destroy();
    },
  };
}

/** The file service's failures come as a non-2xx status or as 200 with success:false and a numeric code. */
function fileServiceFailure(reply: { status: number; text: string; headers: Headers }): UpstreamError | null {
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

function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  return headers;
}

/**
 * Fetches a result video from a URL the upstream returned for one of our tasks. No Authorization
 * header: result links are public CDN URLs and the key must only ever go to the API host.
 */
export async function fetchResult(url: string, range: string | null, signal: AbortSignal): Promise<Response> {
  const { apiBase, filesBase } = await upstreamConfig();
  const trusted = new Set([new URL(apiBase).host, new URL(filesBase).host]);
  const startedAt = performance.now();
  try {
    const response = await fetchUpstreamLink(url, { headers: range ? { Range: range } : {}, signal }, trusted);
    logCall("GET", url, 1, startedAt, { status: response.status });
    return response;
  } catch (error) {
    logCall("GET", url, 1, startedAt, { failure: error instanceof Error ? error.name : "unknown" });
    throw error;
  }
}

/**
 * One line per upstream call: method, host, path (no query: result links may carry signatures), status
 * or failure, duration and attempt. Never headers or bodies.
 */
function logCall(
  method: string,
  url: string,
  attempt: number,
  startedAt: number,
  outcome: { status?: number; failure?: string },
): void {
  const { host, pathname } = new URL(url);
  const line = {
    method,
    host,
    path: pathname,
    ...outcome,
    durationMs: Math.round(performance.now() - startedAt),
    attempt,
  };
  if (outcome.failure || (outcome.status ?? 0) >= 500) log().warn(line, "upstream call");
  else log().info(line, "upstream call");
}

function isAmbiguousCreateFailure(error: UpstreamError): boolean {
  const status = error.httpStatus ?? 0;
  return status === 502 || status === 504 || (status >= 500 && error.upstreamMessage === undefined);
}

interface SendOptions {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** What a timeout or dropped connection means for this call. */
  ambiguousCode: ErrorCode;
  attempt: number;
}

async function send(url: string, options: SendOptions): Promise<{ status: number; text: string }> {
  const startedAt = performance.now();
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: options.method,
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    logCall(options.method, url, options.attempt, startedAt, { failure: timedOut ? "timeout" : "connection" });
    const code =
      options.method === "POST" ? options.ambiguousCode : timedOut ? "upstream_timeout" : "upstream_unreachable";
    // No upstreamMessage: Evolink said nothing, and the browser shows that field as Evolink's words.
    throw new UpstreamError(code, undefined, undefined);
  }
  logCall(options.method, url, options.attempt, startedAt, { status: response.status });
  if (!response.ok) throw errorFromResponse(response, text);
  return { status: response.status, text };
}

function errorFromResponse(response: { status: number; headers: Headers }, text: string): UpstreamError {
  const envelope = upstreamErrorEnvelope.safeParse(safeJson(text));
  const upstream = envelope.success ? envelope.data.error : undefined;
  return new UpstreamError(
    resolveErrorCode(upstream?.code, response.status),
    upstream?.message,
    response.status,
    retryAfterMs(response.headers.get("retry-after")),
  );
}

function parseTask(response: { text: string }): UpstreamTask {
  const parsed = upstreamTaskBody.safeParse(safeJson(response.text));
  if (!parsed.success) throw new UpstreamError("upstream_malformed", "Unreadable task body", undefined);
  return toUpstreamTask(parsed.data);
}

/** Every answer is parsed here, and every text in it scrubbed of the configured secrets (an error message may echo the key). */
function safeJson(text: string): unknown {
  try {
    return scrubSecretsDeep(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
