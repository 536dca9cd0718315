"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef } from "react";
import type { GenerationRequest } from "../generation/schema";
import type { HistoryView, TaskView } from "../tasks/view";
import {
  postGeneration,
  postSignIn,
  requestSignOut,
  requestSubmissionDismissal,
  requestTaskDeletion,
  StudioApiError,
} from "./api";
import { HISTORY_KEY, removeFromHistory } from "./history-cache";

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
      queryClient.setQueryData<HistoryView>(HISTORY_KEY, (current) => removeFromHistory(current, taskId)),
  });
}

export function useDismissSubmission() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: requestSubmissionDismissal,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: HISTORY_KEY }),
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
