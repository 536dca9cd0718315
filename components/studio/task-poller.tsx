"use client";
import { useTask } from "@/lib/client/task";
import type { TaskView } from "@/lib/tasks/view";

/** Keeps a running task moving while its card or tile is scrolled out of the DOM. */
export function TaskPoller({ initial }: { initial: TaskView }) {
  useTask(initial);
  return null;
}
