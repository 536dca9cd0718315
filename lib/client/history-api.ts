"use client";
import type {
  BulkDeleteResult,
  HistoryChanges,
  HistoryPage,
  HistorySort,
  HistoryStatus,
  TaskView,
} from "../tasks/view";
import { call } from "./api";

// The history's calls: pages, refreshes, stars, deletions and the ZIP link.

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
