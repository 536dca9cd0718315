"use client";
import { useState } from "react";

/**
 * How long a running task's progress has not moved, in ms (0 while it moves). The browser remembers
 * when it last saw the number change; the server keeps polling regardless.
 */
export function useStall(taskId: string, progress: number, running: boolean, now: number): number {
  const [seen, setSeen] = useState({ taskId, progress, since: now });
  // Adjusting state while rendering is React's way to follow a changed prop without an extra effect pass.
  const moved = seen.taskId !== taskId || seen.progress !== progress;
  if (moved) setSeen({ taskId, progress, since: now });
  return running && !moved ? now - seen.since : 0;
}
