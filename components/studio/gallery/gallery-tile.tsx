"use client";
import { useEffect, useRef, useState } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { cn } from "@/components/ui/cn";
import { ProgressBar } from "@/components/ui/progress-bar";
import { useTask } from "@/lib/client/task";
import { readablePrompt } from "@/lib/generation/token-chips";
import type { TaskView } from "@/lib/tasks/view";
import { PromptWithChips } from "../prompt-chips";
import { StatusBadge } from "../status-badge";
import { TaskStar } from "../task-star";

/** A pointer that only passes over a tile fetches nothing: the preview starts after it rests this long. */
const PREVIEW_DELAY_MS = 300;

/** The label a take carries inside its group ("Take 2 of 3"), or none. */
export function takeLabel(task: TaskView): string | null {
  return task.variant ? `Take ${task.variant.index + 1} of ${task.variant.count}` : null;
}

/**
 * One entry of the gallery: its poster, status, star and prompt. Resting the pointer on it, or focusing it, plays
 * a muted preview (the only time a tile fetches video); pressing it opens the viewer.
 */
export function GalleryTile({
  initial,
  selected,
  onSelect,
  onOpen,
}: {
  initial: TaskView;
  selected: boolean;
  onSelect: (id: string, range: boolean) => void;
  onOpen: () => void;
}) {
  const { task: polled } = useTask(initial);
  const task = polled ?? initial;
  const [previewing, setPreviewing] = useState(false);
  const [broken, setBroken] = useState(false);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  const playable = task.phase === "completed" && task.previewUrl !== null;
  const start = () => {
    clearTimeout(timer.current);
    if (playable) timer.current = setTimeout(() => setPreviewing(true), PREVIEW_DELAY_MS);
  };
  const stop = () => {
    clearTimeout(timer.current);
    setPreviewing(false);
  };
  const label = takeLabel(task);
  const prompt = readablePrompt(task.prompt);
  const running = task.phase === "queued" || task.phase === "generating";
  const fit = task.aspectRatio === "16:9" ? "object-cover" : "object-contain";
  return (
    <article
      data-testid="gallery-tile"
      data-task-id={task.id}
      className="flex flex-col gap-1.5"
      onPointerEnter={start}
      onPointerLeave={stop}
    >
      <div className="relative aspect-video overflow-hidden rounded-xl bg-zinc-200 dark:bg-zinc-800">
        <button
          type="button"
          aria-label={`Open ${label ? `${label}: ` : ""}${prompt.slice(0, 80)}`}
          onClick={onOpen}
          onFocus={start}
          onBlur={stop}
          className="absolute inset-0 size-full focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-violet-500"
        >
          {task.posterUrl && !broken ? (
            // eslint-disable-next-line @next/next/no-img-element -- a private, already-sized JPEG from the studio's own route
            <img
              data-testid="task-poster"
              src={task.posterUrl}
              alt=""
              width={320}
              height={180}
              loading="lazy"
              decoding="async"
              onError={() => setBroken(true)}
              className={cn("size-full bg-zinc-900", fit)}
            />
          ) : (
            <span
              aria-hidden
              // Nothing here overrides anything, so a plain join rather than cn()'s merge.
              className={`absolute inset-0 bg-gradient-to-br from-zinc-200 to-zinc-300 dark:from-zinc-800 dark:to-zinc-700 ${
                !playable && task.phase !== "failed" ? "animate-pulse" : ""
              }`}
            />
          )}
          {previewing && playable && (
            <video
              data-testid="gallery-preview"
              muted
              loop
              autoPlay
              playsInline
              src={task.previewUrl ?? undefined}
              className={cn("absolute inset-0 size-full bg-zinc-900", fit)}
            />
          )}
        </button>
        {/* The label is the touch target (44 px); the box inside stays its usual size. */}
        <label className="absolute top-0 left-0 flex size-11 cursor-pointer items-center justify-center">
          <Checkbox
            aria-label="Select this entry"
            className="shadow"
            checked={selected}
            onChange={() => undefined}
            onClick={(event) => onSelect(task.id, event.shiftKey)}
          />
        </label>
        <span className="absolute top-1 right-1 rounded-full bg-white/85 dark:bg-zinc-900/85">
          <TaskStar id={task.id} starred={task.starred} />
        </span>
        <span className={`pointer-events-none absolute left-2 ${running ? "bottom-10" : "bottom-2"}`}>
          <StatusBadge phase={task.phase} />
        </span>
        {running && (
          // The same honest figure as the list's card: what the upstream reports, nothing made up in between.
          <span className="pointer-events-none absolute inset-x-0 bottom-0 flex items-center gap-2 bg-zinc-950/55 px-2 py-1.5">
            <ProgressBar value={task.progress} label="Progress" />
            <span className="text-xs font-medium text-white tabular-nums">{task.progress}%</span>
          </span>
        )}
      </div>
      <p className="line-clamp-2 text-xs text-zinc-700 dark:text-zinc-300" title={prompt}>
        {label && <span className="mr-1 font-semibold text-violet-700 dark:text-violet-300">{label}</span>}
        <PromptWithChips task={task} />
      </p>
    </article>
  );
}
