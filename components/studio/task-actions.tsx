"use client";
import { useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { RequestId } from "@/components/ui/request-id";
import { StudioApiError } from "@/lib/client/api";
import { useDeleteTask } from "@/lib/client/history-mutations";
import { type TaskView } from "@/lib/tasks/view";
import { isTerminal } from "@/lib/evolink/contract";

/** "Use these settings" for any entry; "Delete" (confirmed inline) once it has finished. */
export function TaskActions({
  task,
  onRemix,
  onCompare,
  extra,
}: {
  task: TaskView;
  onRemix: (task: TaskView) => void;
  onCompare: (tasks: TaskView[]) => void;
  extra?: ReactNode;
}) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteTask(task.id);
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
          {extra}
          {task.phase === "completed" && (
            <Button variant="ghost" size="sm" onClick={() => onCompare([task])}>
              Compare
            </Button>
          )}
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
