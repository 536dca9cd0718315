import "server-only";
import { MODEL } from "../../evolink/contract";
import { ELEMENT_MODEL } from "../../evolink/element-contract";
import type { ElementRequest } from "../../elements/schema";
import pRetry from "p-retry";
import type { GenerationRequest } from "../../generation/schema";
import { remainingCredits, type UpstreamTask } from "../../evolink/schemas";
import { fetchUpstreamLink } from "../http/outbound";
import { config } from "../config";
import { upstreamConfig } from "./config";
import { logCall, parseTask, safeJson, send } from "./transport";
import { UpstreamError } from "./upstream-error";
import { UPSTREAM_READ_RETRY } from "../../tasks/polling";

// Retry-After longer than this is handed to the browser instead of holding its request open.

/**
 * Creates a task. Never retried automatically: a failure after sending may already be a billed task.
 * With `callbackUrl`, Evolink also POSTs the finished task there (CONTRACT.md, "Callbacks"). `elementIds`
 * are the upstream's element_ids, already resolved from the library.
 */
export async function createGeneration(
  request: GenerationRequest,
  callbackUrl?: string,
  elementIds: readonly string[] = [],
): Promise<UpstreamTask> {
  const body = {
    model: MODEL,
    prompt: request.prompt,
    video_url: request.videoUrl,
    ...(request.imageUrls.length ? { image_urls: request.imageUrls } : {}),
    duration: request.duration,
    aspect_ratio: request.aspectRatio,
    quality: request.quality,
    keep_original_sound: request.keepOriginalSound,
    // The watermark is always sent: no default is documented (CONTRACT.md, "The create request").
    model_params: {
      ...(elementIds.length ? { element_list: elementIds.map((id) => ({ element_id: id })) } : {}),
      watermark_info: { enabled: request.watermark ?? false },
    },
    ...(callbackUrl ? { callback_url: callbackUrl } : {}),
  };
  return createTask(body);
}

/** Creates a kling-custom-element task from images (CONTRACT.md, "Elements"); never retried, like any create. */
export function createElementTask(request: ElementRequest): Promise<UpstreamTask> {
  return createTask({
    model: ELEMENT_MODEL,
    model_params: {
      element_name: request.name,
      element_description: request.description,
      reference_type: "image_refer",
      element_image_list: {
        frontal_image: request.frontalImageUrl,
        refer_images: request.extraImageUrls.map((url) => ({ image_url: url })),
      },
    },
  });
}

async function createTask(body: Record<string, unknown>): Promise<UpstreamTask> {
  const { apiBase, apiKey } = await upstreamConfig();
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
  return (await getTaskWithBody(taskId)).task;
}

/** Reads a task and keeps its body as parsed (already scrubbed), for answers whose shape is undocumented. */
export async function getTaskWithBody(taskId: string): Promise<{ task: UpstreamTask; body: unknown }> {
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
      return { task: parseTask(response), body: safeJson(response.text) };
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

/** A balance is worth less than a task read: the header says "unavailable" sooner rather than wait on it. */
const CREDITS_TIMEOUT_MS = 5_000;

/**
 * What the key can still spend, in credits (CONTRACT.md, "Balance"). Not retried: the caller caches it and
 * asks again soon. An answer without a readable, non-negative balance is upstream_malformed, never 0.
 */
export async function getCredits(): Promise<number> {
  const { apiBase, apiKey } = await upstreamConfig();
  const response = await send(`${apiBase}/v1/credits`, {
    method: "GET",
    headers: { Authorization: `Bearer ${apiKey}` },
    timeoutMs: Math.min(config().evolink.getTimeoutMs, CREDITS_TIMEOUT_MS),
    ambiguousCode: "upstream_timeout",
    attempt: 1,
  });
  const credits = remainingCredits(safeJson(response.text));
  if (credits === null) throw new UpstreamError("upstream_malformed", "Unreadable balance", response.status);
  return credits;
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

function isAmbiguousCreateFailure(error: UpstreamError): boolean {
  const status = error.httpStatus ?? 0;
  return status === 502 || status === 504 || (status >= 500 && error.upstreamMessage === undefined);
}
