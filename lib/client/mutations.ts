"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef } from "react";
import type { GenerationRequest } from "../generation/schema";
import type { TaskView } from "../tasks/view";
import {
  postBulkDelete,
  postGeneration,
  putStar,
  postSignIn,
  requestSignOut,
  requestSubmissionDismissal,
  requestTaskDeletion,
  StudioApiError,
  type Selection,
} from "./api";
import { HISTORY_KEY, removeFromHistory, taskQueryKey, type HistoryData } from "./history-cache";

/**
 * Sends a generation. One idempotency key per intended generation: a double click or a retry after a
 * dropped connection reuses it (the server answers with the same task); any answer from the server
 * retires it, so the next Generate is a new request.
 */
export function useCreateGeneration({ onCreated }: { onCreated: (task: TaskView) => void }) {
  const queryClient = useQueryClient();
  const idempotencyKey = useRef<string | null>(null);
  return useMutation({
    mutationFn: (values: GenerationRequest) => {
      idempotencyKey.current ??= crypto.randomUUID();
      return postGeneration(values, idempotencyKey.current);
    },
    onSuccess: (task) => {
      idempotencyKey.current = null;
      onCreated(task);
    },
    onError: (error) => {
      if (!(error instanceof StudioApiError)) return;
      // Status 0: the server was never reached, so the same key is safe (and right) to send again.
      if (error.status !== 0) idempotencyKey.current = null;
      // The unknown submission is listed in the history at once, so it is there to check later.
      if (error.body.code === "create_outcome_unknown") void queryClient.invalidateQueries({ queryKey: HISTORY_KEY });
    },
  });
}

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

/** Signing in leads to the studio, rendered afresh by the server with the new session. */
export function useSignIn() {
  const router = useRouter();
  return useMutation({
    mutationFn: postSignIn,
    onSuccess: () => {
      router.replace("/");
      router.refresh();
    },
  });
}

/** Leads to the sign-in page even when the request failed: the page then shows whether the session still holds. */
export function useSignOut() {
  const router = useRouter();
  return useMutation({
    mutationFn: requestSignOut,
    onSettled: () => {
      router.replace("/signin");
      router.refresh();
    },
  });
}
