"use client";
import { useQueries } from "@tanstack/react-query";
import type { TaskView } from "../tasks/view";
import { taskQuery } from "./task";

/** One item of the history list: a lone entry, or the takes of one Generate (in take order). */
export interface HistoryEntry {
  key: string;
  tasks: TaskView[];
  group: boolean;
}

/**
 * The loaded entries as list items: takes of one group become one item where the first of them appears (the
 * virtualized list mounts a group as a whole), in take order; everything else stays as it was.
 */
export function groupEntries(tasks: TaskView[]): HistoryEntry[] {
  const entries: HistoryEntry[] = [];
  const groups = new Map<string, HistoryEntry>();
  for (const task of tasks) {
    const groupId = task.variant?.groupId;
    if (!groupId) {
      entries.push({ key: task.id, tasks: [task], group: false });
      continue;
    }
    const entry = groups.get(groupId);
    if (entry) entry.tasks.push(task);
    else {
      const created = { key: `group:${groupId}`, tasks: [task], group: true };
      groups.set(groupId, created);
      entries.push(created);
    }
  }
  for (const entry of groups.values()) entry.tasks.sort((a, b) => (a.variant?.index ?? 0) - (b.variant?.index ?? 0));
  return entries;
}

/** How a group's takes stand: made tasks by phase, plus the takes that made none (refused or unknown). */
export function groupCounts(tasks: TaskView[]): { finished: number; failed: number; running: number; total: number } {
  const failedSlots = latestFailedSlots(tasks).length;
  const finished = tasks.filter((task) => task.phase === "completed").length;
  const failed = tasks.filter((task) => task.phase === "failed").length + failedSlots;
  // The takes still here: one deleted (after "Keep this one") is no longer counted.
  const total = tasks.length + failedSlots;
  return { finished, failed, running: tasks.length - finished - (failed - failedSlots), total };
}

/** The group's takes that made no task, as its most recently updated take knows them. */
export function latestFailedSlots(tasks: TaskView[]): NonNullable<TaskView["variant"]>["failed"] {
  const latest = tasks.reduce<TaskView | undefined>(
    (best, task) => (!best || task.updatedAt > best.updatedAt ? task : best),
    undefined,
  );
  return latest?.variant?.failed ?? [];
}

/** Each take as its own card's polling last saw it (the list's copy until then); watching never fetches. */
export function useWatchedTasks(tasks: TaskView[]): TaskView[] {
  return useQueries({
    queries: tasks.map((task) => ({ ...taskQuery(task.id), enabled: false })),
    combine: (results) => results.map((result, index) => result.data ?? (tasks[index] as TaskView)),
  });
}
