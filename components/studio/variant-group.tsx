"use client";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useBulkDelete, useStarTask } from "@/lib/client/history-mutations";
import { groupCounts, latestFailedSlots, useWatchedTasks } from "@/lib/client/variant-groups";
import type { TaskView } from "@/lib/tasks/view";
import { ErrorDetails } from "./error-details";
import { TaskCard } from "./task-card";

export interface GroupProps {
  tasks: TaskView[];
  onRemix: (task: TaskView) => void;
  isSelected: (id: string) => boolean;
  onSelect: (id: string, range: boolean) => void;
  onCompare: (tasks: TaskView[]) => void;
}

/**
 * The takes of one Generate together: how many finished, failed or are running, each take's own card (and its
 * own progress), the takes refused upstream, "Keep this one" (stars it, then offers to delete the others once).
 */
export function VariantGroup({ tasks: listed, onRemix, isSelected, onSelect, onCompare }: GroupProps) {
  const tasks = useWatchedTasks(listed);
  const counts = groupCounts(tasks);
  const failedSlots = latestFailedSlots(tasks);
  const [kept, setKept] = useState<TaskView | null>(null);
  const star = useStarTask();
  const finished = tasks.filter((task) => task.phase === "completed");
  const title = `${counts.total} take${counts.total === 1 ? "" : "s"} of one Generate`;
  return (
    <section
      data-testid="variant-group"
      aria-label={title}
      className="flex flex-col gap-3 rounded-2xl border border-violet-200 bg-violet-50/60 p-3 dark:border-violet-900 dark:bg-violet-950/30"
    >
      <header className="flex flex-wrap items-center justify-between gap-2 px-1">
        <p className="text-sm font-semibold text-zinc-900 dark:text-white">{title}</p>
        <p data-testid="group-summary" className="text-xs text-zinc-600 dark:text-zinc-300">
          {counts.finished} finished · {counts.failed} failed · {counts.running} running
        </p>
        {finished.length > 0 && (
          <Button variant="secondary" size="sm" onClick={() => onCompare(finished)}>
            Compare takes
          </Button>
        )}
      </header>
      {kept && (
        <KeepBest kept={kept} others={listed.filter((task) => task.id !== kept.id)} onDone={() => setKept(null)} />
      )}
      {tasks.map((task) => (
        <TaskCard
          key={task.id}
          initial={task}
          onRemix={onRemix}
          selected={isSelected(task.id)}
          onSelect={onSelect}
          onCompare={onCompare}
          label={`Take ${(task.variant?.index ?? 0) + 1}`}
          extra={
            task.phase === "completed" && (
              <Button
                variant="ghost"
                size="sm"
                onClick={() => {
                  if (!task.starred) star.mutate({ id: task.id, starred: true });
                  setKept(task);
                }}
              >
                Keep this one
              </Button>
            )
          }
        />
      ))}
      {failedSlots.map((slot) => (
        <Alert
          key={slot.index}
          tone="error"
          testId="group-failed-take"
          title={`Take ${slot.index + 1} was not made: ${slot.error?.message ?? "its outcome is unknown."}`}
        >
          {slot.error && <ErrorDetails error={slot.error} />}
          <p className="mt-1">It was not resent, so it cannot have been paid twice.</p>
        </Alert>
      ))}
    </section>
  );
}

/** One confirmation to delete every other take once one is kept (running ones are kept and named). */
function KeepBest({ kept, others, onDone }: { kept: TaskView; others: TaskView[]; onDone: () => void }) {
  const remove = useBulkDelete();
  const skipped = remove.data?.skippedRunning.length ?? 0;
  if (others.length === 0 && !remove.isSuccess) return null;
  return (
    <div
      data-testid="keep-best"
      role="group"
      aria-label="Delete the other takes"
      className="flex flex-wrap items-center justify-end gap-2 rounded-lg bg-white px-3 py-2 text-xs dark:bg-zinc-900"
    >
      <span className="mr-auto text-zinc-700 dark:text-zinc-300">
        Take {(kept.variant?.index ?? 0) + 1} is starred.{" "}
        {remove.isSuccess
          ? `${remove.data.deleted.length} deleted${skipped ? `; ${skipped} still running, kept` : ""}.`
          : `Delete the other ${others.length} take${others.length === 1 ? "" : "s"} and their videos?`}
      </span>
      {remove.isSuccess ? (
        <Button variant="secondary" size="sm" onClick={onDone}>
          Done
        </Button>
      ) : (
        <>
          <Button variant="secondary" size="sm" onClick={onDone}>
            Keep them
          </Button>
          <Button
            variant="destructive"
            size="sm"
            disabled={remove.isPending}
            onClick={() => remove.mutate({ ids: others.map((task) => task.id) })}
          >
            Delete {others.length} other{others.length === 1 ? "" : "s"}
          </Button>
        </>
      )}
    </div>
  );
}
