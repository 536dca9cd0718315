"use client";
import { CAPACITY_CODES } from "../evolink/contract";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { fetchTask, StudioApiError } from "./api";
import { BROWSER_FALLBACK_POLL_MS, browserRetryDelayMs } from "../tasks/polling";
import { type TaskView } from "../tasks/view";
import { isTerminal } from "../evolink/contract";
import { taskQueryKey } from "./query-keys";

/** One task as the studio reports it; `useTask` adds the polling cadence, other readers only watch the cache. */
export function taskQuery(id: string) {
  return queryOptions({ queryKey: taskQueryKey(id), queryFn: ({ signal }) => fetchTask(id, signal) });
}

/**
 * Polls one task until it finishes. The server says how often to poll; after a failed poll the
 * interval backs off with jitter, and the last known state stays on screen.
 */
export function useTask(initial: TaskView) {
  const query = useQuery({
    ...taskQuery(initial.id),
    initialData: initial,
    initialDataUpdatedAt: 0,
    retry: false,
    refetchIntervalInBackground: true,
    refetchOnWindowFocus: false,
    refetchInterval: (q) => {
      const task = q.state.data;
      // A finished task still changes once: when its copy lands in this server's archive.
      const archiving = task?.phase === "completed" && task.archive.state === "none";
      if (task && isTerminal(task.phase) && !archiving) return false;
      const error = q.state.error;
      if (error instanceof StudioApiError && !error.body.retryable) return false;
      const failures = q.state.fetchFailureCount;
      if (failures === 0) return task?.pollAfterMs ?? BROWSER_FALLBACK_POLL_MS;
      return browserRetryDelayMs(task?.pollIntervalMs ?? BROWSER_FALLBACK_POLL_MS, failures);
    },
  });
  const error = query.error instanceof StudioApiError ? query.error.body : null;
  return {
    task: query.data,
    /** A poll failed but another will follow. */
    reconnecting: Boolean(error?.retryable) || (query.isError && !error),
    /** What went wrong upstream, when the studio's server answered the failed poll (null: it could not be reached). */
    pollProblem:
      error?.retryable && query.error instanceof StudioApiError && query.error.status !== 0 ? error.message : null,
    /** The upstream is out of capacity or rate-limiting: polling continues, more slowly. */
    waitingForCapacity: Boolean(error?.retryable && CAPACITY_CODES.has(error.code)),
    /** Polling stopped for good without the task finishing. */
    lostError: error && !error.retryable ? error : null,
  };
}
