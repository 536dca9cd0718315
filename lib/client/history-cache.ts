"use client";
import { useQueryClient } from "@tanstack/react-query";
import type { HistoryView, TaskView } from "../tasks/view";

// The cache keys and the writes into them, apart from the hooks that read (useQuery): the form and the
// mutations only write, so the query observer's code is not part of the page's first load.

export const HISTORY_KEY = ["history"] as const;

export function taskQueryKey(id: string) {
  return ["task", id] as const;
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
