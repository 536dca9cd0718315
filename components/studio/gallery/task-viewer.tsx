"use client";
import { useEffect, useState, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { useTask } from "@/lib/client/task";
import type { TaskView } from "@/lib/tasks/view";
import { TaskCard } from "../task-card";
import { takeLabel } from "./gallery-tile";

/** Keys that belong to the control in focus (a player's seek, a text caret), not to the viewer. */
const OWN_ARROWS = new Set(["INPUT", "TEXTAREA", "SELECT", "VIDEO"]);

export interface ViewerProps {
  tasks: TaskView[];
  index: number;
  /** More entries exist past the loaded ones: Next reads on. */
  hasMore: boolean;
  onIndex: (index: number) => void;
  onClose: () => void;
  onRemix: (task: TaskView) => void;
  onCompare: (tasks: TaskView[]) => void;
  isSelected: (id: string) => boolean;
  onSelect: (id: string, range: boolean) => void;
}

/** Stepping through entries quickly loads none of the videos passed over: one plays once the viewer rests on it. */
const REST_MS = 250;

/** The result large: played when it is finished, a note for what it is still waiting for otherwise. */
function ViewerMedia({ initial }: { initial: TaskView }) {
  const { task: polled } = useTask(initial);
  const task = polled ?? initial;
  const [restingOn, setRestingOn] = useState<string | null>(null);
  useEffect(() => {
    const timer = setTimeout(() => setRestingOn(initial.id), REST_MS);
    return () => clearTimeout(timer);
  }, [initial.id]);
  if (task.phase === "completed" && task.previewUrl) {
    const resting = restingOn === task.id;
    return (
      <video
        key={task.id}
        data-testid="viewer-video"
        controls
        autoPlay={resting}
        playsInline
        preload={resting ? "auto" : "none"}
        src={resting ? task.previewUrl : undefined}
        poster={task.posterUrl ?? undefined}
        className="max-h-[70dvh] w-full rounded-lg bg-black object-contain"
      />
    );
  }
  return (
    <div className="flex aspect-video w-full items-center justify-center rounded-lg bg-zinc-100 text-sm text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">
      {task.phase === "failed" ? "This generation failed: its details are beside it." : "Still being generated…"}
    </div>
  );
}

/**
 * The gallery's full-screen viewer: one entry large with its details and actions, previous and next by buttons or
 * the arrow keys, Escape (the native dialog's) to go back to the grid.
 */
export function TaskViewer({ tasks, index, hasMore, onIndex, onClose, ...card }: ViewerProps) {
  const task = tasks[index];
  if (!task) return null;
  const canPrevious = index > 0;
  const canNext = index < tasks.length - 1 || hasMore;
  const go = (step: -1 | 1) => {
    if (step < 0 ? canPrevious : canNext) onIndex(Math.min(index + step, tasks.length - 1));
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (OWN_ARROWS.has((event.target as HTMLElement).tagName)) return;
    event.preventDefault();
    go(event.key === "ArrowLeft" ? -1 : 1);
  };
  const label = takeLabel(task);
  return (
    <Dialog
      open
      wide
      title={`Generation ${index + 1} of ${tasks.length}${hasMore ? "+" : ""}`}
      onClose={onClose}
      testId="task-viewer"
    >
      <div onKeyDown={onKeyDown} className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-2">
          <Button variant="secondary" size="sm" disabled={!canPrevious} onClick={() => go(-1)}>
            ← Previous
          </Button>
          <Button variant="secondary" size="sm" disabled={!canNext} onClick={() => go(1)}>
            Next →
          </Button>
          <span className="text-xs text-zinc-500 dark:text-zinc-400">← → to move, Esc to close</span>
          <Button variant="secondary" size="sm" className="ml-auto" onClick={onClose}>
            Close
          </Button>
        </div>
        <div className="grid grid-cols-1 gap-4 lg:grid-cols-[minmax(0,1fr)_24rem] lg:items-start">
          <ViewerMedia key={task.id} initial={task} />
          <TaskCard
            key={task.id}
            initial={task}
            media={false}
            label={label ?? undefined}
            onRemix={(remixed) => {
              onClose();
              card.onRemix(remixed);
            }}
            onCompare={card.onCompare}
            selected={card.isSelected(task.id)}
            onSelect={card.onSelect}
          />
        </div>
      </div>
    </Dialog>
  );
}
