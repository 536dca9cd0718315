import type { StudioErrorBody } from "./errors";
import type { GenerationRequest } from "./generation-schema";
import type { TaskView } from "./task-view";

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

export function createGeneration(request: GenerationRequest): Promise<TaskView> {
  return call("/api/generations", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(request),
  });
}

export function fetchTask(id: string, signal?: AbortSignal): Promise<TaskView> {
  return call(`/api/tasks/${encodeURIComponent(id)}`, { signal });
}

async function call<T>(url: string, init: RequestInit): Promise<T> {
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
