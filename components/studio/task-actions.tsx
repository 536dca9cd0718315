"use client";
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { RequestId } from "@/components/ui/request-id";
import { HISTORY_KEY } from "@/lib/hooks/use-history";
import { deleteTask, StudioApiError } from "@/lib/studio-api";
import { isTerminal, type HistoryView, type TaskView } from "@/lib/task-view";

/** "Use these settings" for any entry; "Delete" (confirmed inline) once it has finished. */
export function TaskActions({ task, onRemix }: { task: TaskView; onRemix: (task: TaskView) => void }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation({
    mutationFn: () => deleteTask(task.id),
    onSuccess: () =>
      client.setQueryData<HistoryView>(HISTORY_KEY, (current) =>
        current ? { ...current, tasks: current.tasks.filter((entry) => entry.id !== task.id) } : current,
      ),
  });
  const failure = remove.error instanceof StudioApiError ? remove.error.body : null;
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {failure && (
        <span className="text-xs text-red-600 dark:text-red-400">
          {failure.message}
          <RequestId id={failure.requestId} />
        </span>
      )}
      {confirming ? (
        <>
          <span className="text-xs text-zinc-600 dark:text-zinc-300">
            Delete this entry{task.archive.state === "archived" ? " and its saved video" : ""}?
          </span>
          <Button variant="secondary" size="sm" onClick={() => setConfirming(false)}>
            Keep
          </Button>
          <Button variant="destructive" size="sm" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Delete for good
          </Button>
        </>
      ) : (
        <>
          <Button variant="ghost" size="sm" onClick={() => onRemix(task)}>
            Use these settings
          </Button>
          {isTerminal(task.phase) && (
            <Button variant="destructive-ghost" size="sm" onClick={() => setConfirming(true)}>
              Delete
            </Button>
          )}
        </>
      )}
    </div>
  );
}
