import "server-only";
import { openAsBlob } from "node:fs";
import pRetry from "p-retry";
import { resolveErrorCode, ERROR_CATALOG, type ErrorCode } from "../errors";
import type { GenerationRequest } from "../generation-schema";
import { fetchUpstreamLink } from "../net/outbound";
import { upstreamConfig, upstreamTimeouts } from "./config";
import {
  fileServiceBody,
  toUpstreamTask,
  upstreamErrorEnvelope,
  upstreamTaskBody,
  type UpstreamTask,
} from "./upstream-schemas";

export const MODEL = "kling-o3-reference-to-video";

const UPLOAD_TIMEOUT_MS = 10 * 60_000;
// Retry-After longer than this is handed to the browser instead of holding its request open.
const MAX_INLINE_RETRY_AFTER_MS = 5_000;

const UPSTREAM_ERROR_BRAND = Symbol.for("kling-o3-studio.UpstreamError");

export class UpstreamError extends Error {
  readonly [UPSTREAM_ERROR_BRAND] = true;

  // Next bundles instrumentation (the background poller) apart from the routes, so one process can hold two
  // copies of this class, and a refresh the poller started can reject into a route that joined it.
  // `instanceof` therefore checks the brand, which both copies share.
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[UPSTREAM_ERROR_BRAND] === true;
  }

  constructor(
    readonly code: ErrorCode,
    readonly upstreamMessage: string | undefined,
    readonly httpStatus: number | undefined,
    readonly retryAfterMs: number | undefined = undefined,
  ) {
    super(`${code}${upstreamMessage ? `: ${upstreamMessage}` : ""}`);
    this.name = "UpstreamError";
  }

  get retryable(): boolean {
    return ERROR_CATALOG[this.code].retryable;
  }
}

/** Creates a task. Never retried automatically: a failure after sending may already be a billed task. */
export async function createGeneration(request: GenerationRequest): Promise<UpstreamTask> {
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
  };
  const response = await send(`${apiBase}/v1/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${apiKey}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
    timeoutMs: upstreamTimeouts().createMs,
    ambiguousCode: "create_outcome_unknown",
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
  const { getMs } = upstreamTimeouts();
  return pRetry(
    async () => {
      const response = await send(`${apiBase}/v1/tasks/${encodeURIComponent(taskId)}`, {
        method: "GET",
        headers: { Authorization: `Bearer ${apiKey}` },
        timeoutMs: getMs,
        ambiguousCode: "upstream_timeout",
      });
      return parseTask(response);
    },
    {
      retries: 2,
      minTimeout: 300,
      maxTimeout: 2_000,
      randomize: true,
      // Only called when a retry is still possible, so a Retry-After wait never delays a final error.
      shouldRetry: async ({ error }) => {
        if (!(error instanceof UpstreamError) || !error.retryable) return false;
        const wait = error.retryAfterMs ?? 0;
        if (wait > MAX_INLINE_RETRY_AFTER_MS) return false;
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

/**
 * Sends a file already on disk to the file service's stream upload. The file is read as a file-backed
 * Blob, so it streams from disk and is never held in memory whole.
 */
export async function uploadFile(filePath: string, fileName: string, mimeType: string): Promise<UploadedFile> {
  const { filesBase, apiKey } = await upstreamConfig();
  const form = new FormData();
  form.append("file", await openAsBlob(filePath, { type: mimeType }), fileName);
  // Without file_name the service invents one; ours keeps the person's own name recognisable.
  form.append("file_name", fileName);
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${filesBase}/api/v1/files/upload/stream`, {
      method: "POST",
      headers: { Authorization: `Bearer ${apiKey}` },
      body: form,
      signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
      redirect: "error",
    });
    text = await response.text();
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    throw new UpstreamError(timedOut ? "upstream_timeout" : "upstream_unreachable", undefined, undefined);
  }
  // Failures come as a non-2xx status or as 200 with success:false, with a numeric code and `msg`.
  const parsed = fileServiceBody.safeParse(safeJson(text));
  if (!parsed.success) {
    if (!response.ok) throw errorFromResponse(response, text);
    throw new UpstreamError("upstream_malformed", "Unreadable file service response", response.status);
  }
  const body = parsed.data;
  if (!response.ok || body.success === false || !body.data?.file_url) {
    throw new UpstreamError(resolveErrorCode(body.code, response.status), body.msg, response.status);
  }
  return { fileUrl: body.data.file_url, expiresAt: body.data.expires_at ?? null };
}

/**
 * Fetches a result video from a URL the upstream returned for one of our tasks. No Authorization
 * header: result links are public CDN URLs and the key must only ever go to the API host.
 */
export async function fetchResult(url: string, range: string | null, signal: AbortSignal): Promise<Response> {
  const { apiBase, filesBase } = await upstreamConfig();
  const trusted = new Set([new URL(apiBase).host, new URL(filesBase).host]);
  return fetchUpstreamLink(url, { headers: range ? { Range: range } : {}, signal }, trusted);
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
}

async function send(url: string, options: SendOptions): Promise<{ status: number; text: string }> {
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
    const code = options.method === "POST" ? options.ambiguousCode : timedOut ? "upstream_timeout" : "upstream_unreachable";
    // No upstreamMessage: Evolink said nothing, and the browser shows that field as Evolink's words.
    throw new UpstreamError(code, undefined, undefined);
  }
  if (!response.ok) throw errorFromResponse(response, text);
  return { status: response.status, text };
}

function errorFromResponse(response: Response, text: string): UpstreamError {
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

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
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
