"use client";
import { Alert } from "@/components/ui/alert";
import { buttonLinkClass } from "@/components/ui/button";
import { useTask } from "@/lib/hooks/use-task";
import { formatCredits } from "@/lib/pricing";
import type { TaskView } from "@/lib/task-view";
import { StatusBadge } from "./status-badge";
import { TaskActions } from "./task-actions";
import { TaskProgress } from "./task-progress";

const FRAME: Record<TaskView["aspectRatio"], string> = {
  "16:9": "aspect-video w-full",
  "9:16": "aspect-[9/16] h-[26rem] max-h-[60vh] max-w-full",
  "1:1": "aspect-square h-[22rem] max-h-[60vh] max-w-full",
};

export function TaskCard({ initial, onRemix }: { initial: TaskView; onRemix: (task: TaskView) => void }) {
  const { task: polled, reconnecting, waitingForCapacity, lostError } = useTask(initial);
  const task = polled ?? initial;
  return (
    <article
      data-testid="task-card"
      data-task-id={task.id}
      className="flex flex-col gap-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex items-start justify-between gap-3">
        <details className="min-w-0 text-sm text-zinc-800 dark:text-zinc-200">
          <summary className="line-clamp-2 cursor-pointer list-none" title="Show the whole prompt">
            {task.prompt}
          </summary>
          <p data-testid="task-full-prompt" className="mt-1 whitespace-pre-wrap break-words text-xs text-zinc-600 dark:text-zinc-400">
            {task.prompt}
          </p>
        </details>
        <StatusBadge phase={task.phase} />
      </header>

      <dl className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        <div className="flex gap-1">
          <dt className="sr-only">Settings</dt>
          <dd>
            {task.duration} s · {task.aspectRatio} · {task.quality}
          </dd>
        </div>
        {task.reservedCredits !== null && (
          <div className="flex gap-1" data-testid="task-reserved">
            <dt>Reserved</dt>
            <dd className="font-medium text-zinc-700 dark:text-zinc-300">{formatCredits(task.reservedCredits)} credits</dd>
          </div>
        )}
        <div className="flex gap-1">
          <dt className="sr-only">Created</dt>
          <dd>
            <time dateTime={new Date(task.createdAt).toISOString()}>
              {new Date(task.createdAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
            </time>
          </dd>
        </div>
        <div className="flex gap-1">
          <dt className="sr-only">Task id</dt>
          <dd className="font-mono">{task.id}</dd>
        </div>
      </dl>

      <TaskProgress task={task} reconnecting={reconnecting} waitingForCapacity={waitingForCapacity} />

      {reconnecting && task.phase !== "completed" && task.phase !== "failed" && (
        <p data-testid="task-reconnecting" className="text-xs text-amber-700 dark:text-amber-300">
          {waitingForCapacity
            ? "Evolink is busy — waiting for capacity and checking again with backoff; nothing is lost."
            : "Lost contact with the server for a moment — reconnecting… the task keeps running upstream."}
        </p>
      )}

      {(task.phase === "queued" || task.phase === "generating") && (
        <div className="flex justify-center">
          <div
            aria-hidden
            className={`${FRAME[task.aspectRatio]} animate-pulse rounded-lg bg-gradient-to-br from-zinc-100 via-violet-50 to-zinc-100 dark:from-zinc-800 dark:via-violet-950/60 dark:to-zinc-800`}
          />
        </div>
      )}

      {task.phase === "completed" && task.previewUrl && task.downloadUrl && (
        <div className="flex flex-col gap-3">
          <div className="flex justify-center overflow-hidden rounded-lg bg-black">
            <video data-testid="task-video" controls playsInline preload="metadata" src={task.previewUrl} className={FRAME[task.aspectRatio]} />
          </div>
          <div className="flex flex-wrap items-center justify-between gap-2">
            <span data-testid="task-archive" className={`text-xs ${task.archive.state === "failed" ? "text-amber-700 dark:text-amber-300" : "text-zinc-500 dark:text-zinc-400"}`}>
              {task.archive.state === "archived"
                ? "Saved on this server"
                : task.archive.state === "failed"
                  ? task.archive.error
                  : "Saving a copy on this server…"}
            </span>
            <a href={task.downloadUrl} download className={`${buttonLinkClass} bg-violet-600 text-white hover:bg-violet-500`}>
              <svg aria-hidden viewBox="0 0 20 20" className="size-4 fill-current">
                <path d="M10 3a1 1 0 0 1 1 1v7.59l2.3-2.3a1 1 0 1 1 1.4 1.42l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.42L9 11.6V4a1 1 0 0 1 1-1Zm-6 13a1 1 0 0 1 1-1h10a1 1 0 1 1 0 2H5a1 1 0 0 1-1-1Z" />
              </svg>
              Download
            </a>
          </div>
        </div>
      )}

      {task.phase === "failed" && task.error && (
        <Alert tone="error" testId="task-error" title={task.error.message}>
          <p>{task.error.action}</p>
          {task.error.detail && <p className="mt-1 whitespace-pre-line font-mono text-xs opacity-80">Evolink said: {task.error.detail}</p>}
        </Alert>
      )}

      <TaskActions task={task} onRemix={onRemix} />

      {lostError && (
        <Alert tone="warning" testId="task-lost" title={lostError.message}>
          {lostError.action}
        </Alert>
      )}
    </article>
  );
}
