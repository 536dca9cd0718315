"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchHistory } from "../studio-api";
import type { HistoryView, TaskView } from "../task-view";
import { taskQueryKey } from "./use-task";

export const HISTORY_KEY = ["history"] as const;

/** Every generation on this instance; refreshed now and then so other tabs' work shows up too. */
export function useHistory() {
  return useQuery({ queryKey: HISTORY_KEY, queryFn: ({ signal }) => fetchHistory(signal), refetchInterval: 10_000 });
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
