"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { TaskView } from "../tasks/view";
import {
  postBulkDelete,
  putStar,
  requestSubmissionDismissal,
  requestTaskDeletion,
  type Selection,
} from "./history-api";
import { removeFromHistory, type HistoryData } from "./history-cache";
import { HISTORY_KEY, taskQueryKey } from "./query-keys";

export function useDeleteTask(taskId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => requestTaskDeletion(taskId),
    onSuccess: () =>
      queryClient.setQueriesData<HistoryData>({ queryKey: HISTORY_KEY }, (current) =>
        removeFromHistory(current, [taskId]),
      ),
  });
}

/** Every cached copy of one task (the lists and its own query) changed by `edit`. */
function editTask(queryClient: ReturnType<typeof useQueryClient>, id: string, edit: (task: TaskView) => TaskView) {
  queryClient.setQueryData<TaskView>(taskQueryKey(id), (task) => (task ? edit(task) : task));
  queryClient.setQueriesData<HistoryData>({ queryKey: HISTORY_KEY }, (data) =>
    data
      ? {
          ...data,
          pages: data.pages.map((page) =>
            page.tasks.some((task) => task.id === id)
              ? { ...page, tasks: page.tasks.map((task) => (task.id === id ? edit(task) : task)) }
              : page,
          ),
        }
      : data,
  );
}

/** The star shows at once; if the server refuses, it goes back to what it was. */
export function useStarTask() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, starred }: { id: string; starred: boolean }) => putStar(id, starred),
    onMutate: ({ id, starred }) => editTask(queryClient, id, (task) => ({ ...task, starred })),
    onError: (_error, { id, starred }) => editTask(queryClient, id, (task) => ({ ...task, starred: !starred })),
    onSuccess: (task) => editTask(queryClient, task.id, (current) => ({ ...current, starred: task.starred })),
    // The Starred chip's count is the server's.
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["history-refresh"] }),
  });
}

/** Deletes chosen entries, or all that match; running ones are skipped by the server and named in the answer. */
export function useBulkDelete() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (selection: Selection) => postBulkDelete(selection),
    onSuccess: (result) => {
      queryClient.setQueriesData<HistoryData>({ queryKey: HISTORY_KEY }, (current) =>
        removeFromHistory(current, result.deleted),
      );
      // The chips' counts come from the server; the next refresh brings them, this brings them now.
      void queryClient.invalidateQueries({ queryKey: ["history-refresh"] });
    },
  });
}

export function useDismissSubmission() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestSubmissionDismissal,
    // Edited in place: refetching would read every loaded page again.
    onSuccess: (_answer, key) =>
      queryClient.setQueriesData<HistoryData>({ queryKey: HISTORY_KEY }, (data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                unknownSubmissions: page.unknownSubmissions.filter((submission) => submission.key !== key),
              })),
            }
          : data,
      ),
  });
}
