"use client";
import { useQueryClient } from "@tanstack/react-query";
import type { TaskView } from "../tasks/view";
import type { HistoryData } from "./history-cache";
import type { HistoryFilters } from "./history-api";
import { HISTORY_KEY, taskQueryKey } from "./query-keys";

/**
 * Puts a task the browser just created (or re-got by idempotency) at its place in every cached list it belongs
 * to. The list's merge code comes with the list (loaded after the first screen); by the time a list is cached
 * it is loaded, so the import below resolves at once.
 */
export function useAddToHistory() {
  const client = useQueryClient();
  return (task: TaskView) => {
    client.setQueryData(taskQueryKey(task.id), task);
    const lists = client.getQueriesData<HistoryData>({ queryKey: HISTORY_KEY });
    if (lists.length === 0) return;
    void import("./history-cache").then(({ addCreated }) => {
      for (const [key] of lists) {
        const filters = key[1] as HistoryFilters | undefined;
        if (filters) client.setQueryData<HistoryData>(key, (data) => addCreated(data, task, filters));
      }
    });
  };
}
