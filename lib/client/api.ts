"use client";
import type { StudioErrorBody } from "../errors";
import type { GenerationRequest } from "../generation/schema";
import type { TaskView, VariantGroupAnswer } from "../tasks/view";

// The browser's calls to the studio's own API, one function per route (the history's in history-api.ts, the
// session's in session-api.ts, so the first screen loads only what it calls). Named for the request they
// send, so none shares a name with the server function that answers it.

/** A failed call to the studio's own API, carrying the catalog error it answered with. */
export class StudioApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StudioErrorBody,
  ) {
    super(body.message);
    this.name = "StudioApiError";
  }
}

/** The same key on a repeat (double click, network retry) gets the same task back, never a second one. */
/** One take answers with its task; several with the group's takes (VariantGroupAnswer). */
export function postGeneration(
  request: GenerationRequest,
  idempotencyKey: string,
): Promise<TaskView | VariantGroupAnswer> {
  return call("/api/generations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
    body: JSON.stringify(request),
  });
}

export function fetchTask(id: string, signal?: AbortSignal): Promise<TaskView> {
  return call(`/api/tasks/${encodeURIComponent(id)}`, { signal });
}

/** One call to the studio's API: its JSON answer, or a StudioApiError with the catalog error it sent. */
export async function call<T>(url: string, init: RequestInit): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, cache: "no-store" });
  } catch (error) {
    if (error instanceof DOMException && error.name === "AbortError") throw error;
    throw new StudioApiError(0, {
      code: "upstream_unreachable",
      message: "The studio server could not be reached.",
      action: "Check your connection; the studio keeps trying.",
      retryable: true,
    });
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (response.ok && body) return body as T;
  const error = (body as { error?: StudioErrorBody } | null)?.error;
  throw new StudioApiError(
    response.status,
    error ?? {
      code: "upstream_malformed",
      message: `The studio answered ${response.status} without details.`,
      action: "Try again in a moment.",
      retryable: response.status >= 500,
    },
  );
}
