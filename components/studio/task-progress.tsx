"use client";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatDuration, secondsLeft } from "@/lib/tasks/eta";
import { useNow } from "@/lib/client/use-now";
import { useStall } from "@/lib/client/use-stall";
import { stallThresholdMs } from "@/lib/tasks/polling";
import type { TaskView } from "@/lib/tasks/view";

/** What the bar needs of a running upstream task: a generation's, or an element's creation. */
type Progressing = Pick<
  TaskView,
  "id" | "phase" | "progress" | "createdAt" | "updatedAt" | "estimatedSeconds" | "pollIntervalMs"
>;

export function TaskProgress({
  task,
  reconnecting,
  waitingForCapacity,
  label = `Progress of task ${task.id}`,
}: {
  task: Progressing;
  reconnecting: boolean;
  waitingForCapacity: boolean;
  label?: string;
}) {
  const running = task.phase === "queued" || task.phase === "generating";
  const now = useNow(running);
  const stalledMs = useStall(task.id, task.progress, running, now);
  const elapsed = Math.max(0, ((running ? now : task.updatedAt) - task.createdAt) / 1000);
  const left = running
    ? secondsLeft({ progress: task.progress, elapsedSeconds: elapsed, estimatedSeconds: task.estimatedSeconds })
    : null;
  const tone = task.phase === "completed" ? "done" : task.phase === "failed" ? "failed" : "active";
  return (
    <div aria-live="polite" className="flex flex-col gap-1.5">
      <ProgressBar value={task.progress} label={label} tone={tone} />
      <div className="flex flex-wrap justify-between gap-x-3 text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
        <span data-testid="task-progress-text">
          {task.progress}% · elapsed {formatDuration(elapsed)}
        </span>
        {running && (
          <span data-testid="task-eta">
            {waitingForCapacity
              ? "waiting for capacity…"
              : reconnecting
                ? "reconnecting…"
                : left === null
                  ? "estimating…"
                  : left === 0
                    ? "any moment now"
                    : `about ${formatDuration(left)} left`}
          </span>
        )}
      </div>
      {stalledMs >= stallThresholdMs(task.pollIntervalMs) && (
        <p data-testid="task-stalled" className="text-xs text-amber-700 dark:text-amber-300">
          No progress for {formatDuration(stalledMs / 1000)}. Evolink is still working on it (queues can be long); the
          studio keeps checking.
        </p>
      )}
    </div>
  );
}
