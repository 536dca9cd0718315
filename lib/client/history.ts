"use client";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchHistory } from "./api";
import type { HistoryView, TaskView } from "../tasks/view";
import { taskQueryKey } from "./task";
import { HISTORY_REFRESH_MS } from "../tasks/polling";

export const HISTORY_KEY = ["history"] as const;

/** Every generation on this instance; refreshed now and then so other tabs' work shows up too. */
export const historyQuery = queryOptions({
  queryKey: HISTORY_KEY,
  queryFn: ({ signal }) => fetchHistory(signal),
  refetchInterval: HISTORY_REFRESH_MS,
});

export function useHistory() {
  return useQuery(historyQuery);
}

/** Puts a task the browser just created (or re-got by idempotency) at the top of the history. */
export function useAddToHistory() {
  const client = useQueryClient();
  return (task: TaskView) => {
    client.setQueryData(taskQueryKey(task.id), task);
    client.setQueryData<HistoryView>(HISTORY_KEY, (current) => {
      const tasks = current?.tasks ?? [];
      if (tasks.some((existing) => existing.id === task.id)) return current;
      return { tasks: [task, ...tasks], unknownSubmissions: current?.unknownSubmissions ?? [] };
    });
  };
}

/** Takes a deleted task out of the cached history at once, without waiting for the next refresh. */
export function removeFromHistory(current: HistoryView | undefined, taskId: string): HistoryView | undefined {
  return current ? { ...current, tasks: current.tasks.filter((entry) => entry.id !== taskId) } : current;
}
