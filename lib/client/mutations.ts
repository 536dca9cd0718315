"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import type { GenerationRequest } from "../generation/schema";
import type { TaskView } from "../tasks/view";
import { postGeneration, StudioApiError } from "./api";
import { GENERATE_KEY, HISTORY_KEY } from "./query-keys";

/**
 * Sends a generation. One idempotency key per intended generation: a double click or a retry after a
 * dropped connection reuses it (the server answers with the same task); any answer from the server
 * retires it, so the next Generate is a new request.
 */
export function useCreateGeneration({
  onCreated,
  onStarted,
}: {
  onCreated: (task: TaskView) => void;
  /** Once per Generate that made tasks, with all of them (a multi-take press makes several). */
  onStarted?: (tasks: TaskView[]) => void;
}) {
  const queryClient = useQueryClient();
  const idempotencyKey = useRef<string | null>(null);
  return useMutation({
    // Named so the history's task alerts know a Generate (they ask for notifications at the first one).
    mutationKey: GENERATE_KEY,
    mutationFn: (values: GenerationRequest) => {
      idempotencyKey.current ??= crypto.randomUUID();
      return postGeneration(values, idempotencyKey.current);
    },
    onSuccess: (answer) => {
      idempotencyKey.current = null;
      const created = "takes" in answer ? answer.takes.map((take) => take.task) : [answer];
      const tasks = created.filter((task): task is TaskView => task !== null);
      for (const task of tasks) onCreated(task);
      if (tasks.length > 0) onStarted?.(tasks);
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
