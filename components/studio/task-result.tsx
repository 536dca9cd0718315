"use client";
import { useState } from "react";
import { Button, buttonVariants } from "@/components/ui/button";
import type { TaskView } from "@/lib/tasks/view";
import { TaskPoster } from "./task-poster";

export const LARGE_FRAME: Record<TaskView["aspectRatio"], string> = {
  "16:9": "aspect-video w-full",
  "9:16": "aspect-[9/16] h-[26rem] max-h-[60vh] max-w-full",
  "1:1": "aspect-square h-[22rem] max-h-[60vh] max-w-full",
};
const COMPACT: Record<TaskView["aspectRatio"], { frame: string; width: number; height: number }> = {
  "16:9": { frame: "aspect-video w-40", width: 160, height: 90 },
  "9:16": { frame: "aspect-[9/16] h-32", width: 72, height: 128 },
  "1:1": { frame: "aspect-square h-28", width: 112, height: 112 },
};

/**
 * A finished task's video. In the history it is a poster (a JPEG frame made by the server) until the person
 * presses play or enlarges it: only then is a player created and video bytes fetched, so opening a long history
 * costs images, not videos. A task that has just finished in front of the person opens large.
 */
export function TaskResult({
  task,
  startLarge,
}: {
  task: TaskView & { previewUrl: string; downloadUrl: string };
  startLarge: boolean;
}) {
  const [large, setLarge] = useState(startLarge);
  const [playing, setPlaying] = useState(startLarge);
  const compact = COMPACT[task.aspectRatio];
  const archiveNote =
    task.archive.state === "archived"
      ? "Saved on this server"
      : task.archive.state === "failed"
        ? task.archive.error
        : "Saving a copy on this server…";
  const player = playing ? (
    <video
      data-testid="task-video"
      controls
      playsInline
      preload="metadata"
      autoPlay={!large}
      // A media fragment makes the browser paint the first frame when there is no poster yet.
      src={`${task.previewUrl}#t=0.1`}
      poster={task.posterUrl ?? undefined}
      className={`${large ? LARGE_FRAME[task.aspectRatio] : compact.frame} rounded-lg bg-black`}
    />
  ) : (
    <TaskPoster
      posterUrl={task.posterUrl}
      width={compact.width}
      height={compact.height}
      className={compact.frame}
      onPlay={() => setPlaying(true)}
    />
  );
  const controls = (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <Button
        variant="ghost"
        size="link"
        onClick={() => {
          setPlaying(true);
          setLarge(!large);
        }}
      >
        {large ? "Smaller" : "Enlarge"}
      </Button>
      <a href={task.downloadUrl} download className={buttonVariants({ size: "link" })}>
        <svg aria-hidden viewBox="0 0 20 20" className="size-4 fill-current">
          <path d="M10 3a1 1 0 0 1 1 1v7.59l2.3-2.3a1 1 0 1 1 1.4 1.42l-4 4a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.42L9 11.6V4a1 1 0 0 1 1-1Zm-6 13a1 1 0 0 1 1-1h10a1 1 0 1 1 0 2H5a1 1 0 0 1-1-1Z" />
        </svg>
        Download
      </a>
    </div>
  );
  const note = (
    <span
      data-testid="task-archive"
      className={`text-xs ${task.archive.state === "failed" ? "text-amber-700 dark:text-amber-300" : "text-zinc-500 dark:text-zinc-400"}`}
    >
      {archiveNote}
    </span>
  );
  if (large) {
    return (
      <div className="flex flex-col gap-3">
        <div className="flex justify-center overflow-hidden rounded-lg bg-black">{player}</div>
        <div className="flex flex-wrap items-center justify-between gap-2">
          {note}
          {controls}
        </div>
      </div>
    );
  }
  return (
    <div className="flex items-end gap-3">
      {player}
      <div className="flex min-w-0 flex-1 flex-col items-end gap-2 text-right">
        {note}
        {controls}
      </div>
    </div>
  );
}
