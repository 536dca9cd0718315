"use client";
import type { StudioErrorBody } from "../errors";
import type { GenerationRequest } from "../generation/schema";
import type {
  BulkDeleteResult,
  HistoryChanges,
  HistoryPage,
  HistorySort,
  HistoryStatus,
  TaskView,
} from "../tasks/view";

// The browser's calls to the studio's own API, one function per route. Named for the request they send,
// so none shares a name with the server function that answers it.

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
export function postGeneration(request: GenerationRequest, idempotencyKey: string): Promise<TaskView> {
  return call("/api/generations", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
    body: JSON.stringify(request),
  });
}

export type StatusFilter = HistoryStatus;

/** What the history is narrowed to; each field is also a query parameter of the list routes. */
export interface HistoryFilters {
  status: HistoryStatus;
  q: string;
  starred: boolean;
  sort: HistorySort;
}

/** Either chosen entries or everything the filters match. */
export type Selection = { ids: string[] } | { match: Omit<HistoryFilters, "sort"> };

function filterParams({ status, q, starred }: Omit<HistoryFilters, "sort">): URLSearchParams {
  const params = new URLSearchParams({ status });
  if (q) params.set("q", q);
  if (starred) params.set("starred", "1");
  return params;
}

export function fetchHistoryPage(
  filters: HistoryFilters,
  cursor: string | null,
  limit: number,
  signal?: AbortSignal,
): Promise<HistoryPage> {
  const params = filterParams(filters);
  params.set("sort", filters.sort);
  params.set("limit", String(limit));
  if (cursor) params.set("cursor", cursor);
  return call(`/api/tasks?${params}`, { signal });
}

export function fetchHistoryChanges(
  filters: HistoryFilters,
  since: string,
  signal?: AbortSignal,
): Promise<HistoryChanges> {
  const params = filterParams(filters);
  params.set("since", since);
  return call(`/api/tasks?${params}`, { signal });
}

export function putStar(id: string, starred: boolean): Promise<TaskView> {
  return call(`/api/tasks/${encodeURIComponent(id)}/star`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ starred }),
  });
}

export function postBulkDelete(selection: Selection): Promise<BulkDeleteResult> {
  return call("/api/tasks/bulk-delete", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(selection),
  });
}

/** The ZIP is streamed by the server and saved by the browser itself (a link, not a fetch into memory). */
export function zipUrl(selection: Selection): string {
  if ("ids" in selection) return `/api/tasks/zip?${new URLSearchParams({ ids: selection.ids.join(",") })}`;
  const params = filterParams(selection.match);
  params.set("match", "1");
  return `/api/tasks/zip?${params}`;
}

export function requestTaskDeletion(id: string): Promise<void> {
  return call(`/api/tasks/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export function requestSubmissionDismissal(key: string): Promise<void> {
  return call(`/api/submissions/${encodeURIComponent(key)}`, { method: "DELETE" });
}

export function fetchTask(id: string, signal?: AbortSignal): Promise<TaskView> {
  return call(`/api/tasks/${encodeURIComponent(id)}`, { signal });
}

export function postSignIn(password: string): Promise<void> {
  return call("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ password }),
  });
}

export function requestSignOut(): Promise<void> {
  return call("/api/session", { method: "DELETE" });
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
