"use client";
import { useState } from "react";
import type { TaskView } from "../tasks/view";

/** How many tasks the last Generate started (for the note beside the button), passed on to `onStarted`. */
export function useStartedCount(onStarted: (tasks: TaskView[]) => void) {
  const [count, setCount] = useState(0);
  const started = (tasks: TaskView[]) => {
    setCount(tasks.length);
    onStarted(tasks);
  };
  return [count, started] as const;
}
