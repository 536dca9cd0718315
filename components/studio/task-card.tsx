"use client";
import type { ReactNode } from "react";
import { Alert } from "@/components/ui/alert";
import { Checkbox } from "@/components/ui/checkbox";
import { useTask } from "@/lib/client/task";
import { chargeText } from "@/lib/generation/charge";
import { type TaskView } from "@/lib/tasks/view";
import { elementToken, isTerminal } from "@/lib/evolink/contract";
import { ErrorDetails } from "./error-details";
import { EntryReferences, PromptWithChips } from "./prompt-chips";
import { StatusBadge } from "./status-badge";
import { LARGE_FRAME, TaskResult } from "./task-result";
import { TaskActions } from "./task-actions";
import { TaskProgress } from "./task-progress";
import { TaskStar } from "./task-star";

interface TaskCardProps {
  initial: TaskView;
  onRemix: (task: TaskView) => void;
  selected: boolean;
  /** `range`: shift was held, so everything from the last chosen entry to this one follows. */
  onSelect: (id: string, range: boolean) => void;
  onCompare: (tasks: TaskView[]) => void;
  /** "Take 2" inside a variant group. */
  label?: string;
  /** More actions (a group's "Keep this one"). */
  extra?: ReactNode;
  /** False inside the gallery's viewer, which shows the result large itself. */
  media?: boolean;
}

export function TaskCard({
  initial,
  onRemix,
  selected,
  onSelect,
  onCompare,
  label,
  extra,
  media = true,
}: TaskCardProps) {
  const { task: polled, reconnecting, pollProblem, waitingForCapacity, lostError } = useTask(initial);
  const task = polled ?? initial;
  return (
    <article
      data-testid="task-card"
      data-task-id={task.id}
      className="flex flex-col gap-3 rounded-xl border border-zinc-200 bg-white p-4 shadow-sm dark:border-zinc-800 dark:bg-zinc-900"
    >
      <header className="flex items-start gap-3">
        {/* On a phone the label around it gives a finger 44 px to press. */}
        <label className="flex shrink-0 max-sm:-m-3 max-sm:p-3">
          <Checkbox
            aria-label="Select this entry"
            className="mt-0.5"
            checked={selected}
            onChange={() => undefined}
            onClick={(event) => onSelect(task.id, event.shiftKey)}
          />
        </label>
        <details className="min-w-0 flex-1 text-sm text-zinc-800 dark:text-zinc-200">
          <summary className="line-clamp-2 cursor-pointer list-none max-sm:min-h-11" title="Show the whole prompt">
            {label && <span className="mr-1.5 font-semibold text-violet-700 dark:text-violet-300">{label}</span>}
            <PromptWithChips task={task} />
          </summary>
          <p
            data-testid="task-full-prompt"
            className="mt-1 text-xs break-words whitespace-pre-wrap text-zinc-600 dark:text-zinc-400"
          >
            <PromptWithChips task={task} />
          </p>
        </details>
        <div className="flex shrink-0 items-center gap-1">
          <StatusBadge phase={task.phase} />
          <TaskStar id={task.id} starred={task.starred} />
        </div>
      </header>

      <EntryReferences task={task} />

      <dl className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-zinc-500 dark:text-zinc-400">
        <div className="flex gap-1">
          <dt className="sr-only">Settings</dt>
          <dd>
            {task.duration} s · {task.aspectRatio} · {task.quality}
          </dd>
        </div>
        <Charge task={task} />
        <UsedSettings task={task} />
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

      {reconnecting && !isTerminal(task.phase) && (
        <ReconnectingNote waitingForCapacity={waitingForCapacity} pollProblem={pollProblem} />
      )}

      {media && (task.phase === "queued" || task.phase === "generating") && (
        <div className="flex justify-center">
          <div
            aria-hidden
            className={`${LARGE_FRAME[task.aspectRatio]} animate-pulse rounded-lg bg-gradient-to-br from-zinc-100 via-violet-50 to-zinc-100 dark:from-zinc-800 dark:via-violet-950/60 dark:to-zinc-800`}
          />
        </div>
      )}

      {media && task.phase === "completed" && task.previewUrl && task.downloadUrl && (
        <TaskResult
          task={{ ...task, previewUrl: task.previewUrl, downloadUrl: task.downloadUrl }}
          startLarge={!isTerminal(initial.phase)}
        />
      )}

      {task.phase === "failed" && task.error && (
        <Alert tone="error" testId="task-error" title={task.error.message}>
          <ErrorDetails error={task.error} />
        </Alert>
      )}

      <TaskActions task={task} onRemix={onRemix} onCompare={onCompare} extra={extra} />

      {lostError && (
        <Alert tone="warning" testId="task-lost" title={lostError.message}>
          <ErrorDetails error={lostError} />
        </Alert>
      )}
    </article>
  );
}

/** What the entry costs, in the words of its phase. */
function Charge({ task }: { task: TaskView }) {
  const text = chargeText(task.phase, task.reservedCredits);
  if (!text) return null;
  return (
    <div className="flex gap-1">
      <dt className="sr-only">Credits</dt>
      <dd data-testid="task-charge" className="font-medium text-zinc-700 dark:text-zinc-300">
        {text}
      </dd>
    </div>
  );
}

/** The elements the entry used (named even once deleted from the library) and its watermark setting. */
function UsedSettings({ task }: { task: TaskView }) {
  return (
    <>
      {task.elements.length > 0 && (
        <div className="flex gap-1" data-testid="task-elements">
          <dt>Elements</dt>
          <dd className="font-medium text-zinc-700 dark:text-zinc-300">
            {task.elements
              .map(
                (element, index) =>
                  `${elementToken(index + 1)} ${element.name}${element.deleted ? " (deleted from the library)" : ""}`,
              )
              .join(", ")}
          </dd>
        </div>
      )}
      {task.watermark !== null && (
        <div className="flex gap-1" data-testid="task-watermark">
          <dt className="sr-only">Watermark</dt>
          <dd>{task.watermark ? "Watermark on" : "No watermark"}</dd>
        </div>
      )}
    </>
  );
}

/** Why a running card is not moving for the moment: polling continues either way. */
function ReconnectingNote({
  waitingForCapacity,
  pollProblem,
}: {
  waitingForCapacity: boolean;
  pollProblem: string | null;
}) {
  return (
    <p data-testid="task-reconnecting" className="text-xs text-amber-700 dark:text-amber-300">
      {waitingForCapacity
        ? "Evolink is busy — waiting for capacity and checking again with backoff; nothing is lost."
        : pollProblem
          ? `${pollProblem} Checking again with backoff; the task keeps running upstream and nothing is lost.`
          : "Lost contact with the server for a moment — reconnecting… the task keeps running upstream."}
    </p>
  );
}
