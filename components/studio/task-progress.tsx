"use client";
import { ProgressBar } from "@/components/ui/progress-bar";
import { formatDuration, secondsLeft } from "@/lib/eta";
import { useNow } from "@/lib/hooks/use-now";
import type { TaskView } from "@/lib/task-view";

export function TaskProgress({ task, reconnecting }: { task: TaskView; reconnecting: boolean }) {
  const running = task.phase === "queued" || task.phase === "generating";
  const now = useNow(running);
  const elapsed = Math.max(0, ((running ? now : task.updatedAt) - task.createdAt) / 1000);
  const left = running ? secondsLeft({ progress: task.progress, elapsedSeconds: elapsed, estimatedSeconds: task.estimatedSeconds }) : null;
  const tone = task.phase === "completed" ? "done" : task.phase === "failed" ? "failed" : "active";
  return (
    <div aria-live="polite" className="flex flex-col gap-1.5">
      <ProgressBar value={task.progress} label={`Progress of task ${task.id}`} tone={tone} />
      <div className="flex flex-wrap justify-between gap-x-3 text-xs tabular-nums text-zinc-600 dark:text-zinc-400">
        <span data-testid="task-progress-text">
          {task.progress}% · elapsed {formatDuration(elapsed)}
        </span>
        {running && (
          <span data-testid="task-eta">
            {reconnecting
              ? "reconnecting…"
              : left === null
                ? "estimating…"
                : left === 0
                  ? "any moment now"
                  : `about ${formatDuration(left)} left`}
          </span>
        )}
      </div>
    </div>
  );
}
