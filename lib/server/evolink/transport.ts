import "server-only";
import type { IncomingMessage } from "node:http";
import { resolveErrorCode, type ErrorCode } from "../../errors";
import { toUpstreamTask, upstreamErrorEnvelope, upstreamTaskBody, type UpstreamTask } from "../../evolink/schemas";
import { log } from "../log";
import { scrubSecretsDeep } from "../scrub-secrets";
import { UpstreamError } from "./upstream-error";

// How the client talks to Evolink's JSON API: one logged fetch, answers parsed and scrubbed, errors mapped.

/**
 * One line per upstream call: method, host, path (no query: result links may carry signatures), status
 * or failure, duration and attempt. Never headers or bodies.
 */
export function logCall(
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

export interface SendOptions {
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** What a timeout or dropped connection means for this call. */
  ambiguousCode: ErrorCode;
  attempt: number;
}

export async function send(url: string, options: SendOptions): Promise<{ status: number; text: string }> {
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

export function errorFromResponse(response: { status: number; headers: Headers }, text: string): UpstreamError {
  const envelope = upstreamErrorEnvelope.safeParse(safeJson(text));
  const upstream = envelope.success ? envelope.data.error : undefined;
  return new UpstreamError(
    resolveErrorCode(upstream?.code, response.status),
    upstream?.message,
    response.status,
    retryAfterMs(response.headers.get("retry-after")),
  );
}

export function parseTask(response: { text: string }): UpstreamTask {
  const parsed = upstreamTaskBody.safeParse(safeJson(response.text));
  if (!parsed.success) throw new UpstreamError("upstream_malformed", "Unreadable task body", undefined);
  return toUpstreamTask(parsed.data);
}

/** Every answer is parsed here, and every text in it scrubbed of the configured secrets (an error message may echo the key). */
export function safeJson(text: string): unknown {
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

export function headersOf(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (typeof value === "string") headers.set(name, value);
  }
  return headers;
}
