"use client";
import { useRef } from "react";

/**
 * How long a running task's progress has not moved, in ms (0 while it moves). The browser remembers
 * when it last saw the number change; the server keeps polling regardless.
 */
export function useStall(taskId: string, progress: number, running: boolean, now: number): number {
  const seen = useRef({ taskId, progress, since: now });
  if (seen.current.taskId !== taskId || seen.current.progress !== progress) seen.current = { taskId, progress, since: now };
  return running ? now - seen.current.since : 0;
}

/** Long enough that normal upstream pacing never trips it: ten polls, and at least 20 s. */
export function stallThresholdMs(pollIntervalMs: number): number {
  return Math.max(20_000, pollIntervalMs * 10);
}
