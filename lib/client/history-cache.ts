"use client";
import type { InfiniteData } from "@tanstack/react-query";
import { isTerminal } from "../evolink/contract";
import type { TaskView } from "../tasks/view";
import type { HistoryChanges, HistoryPage } from "../tasks/view";
import type { HistoryFilters } from "./history-api";

// The cache keys and the edits of a cached, paged history (a refresh's changes, a new task, deletions), apart
// from the hooks that read (useQuery): the form and the mutations only write, so the query observer's code is
// not part of the page's first load. The cache keeps the server's order (created time, then id) so a merged
// entry lands exactly where the next page would put it.

export type HistoryData = InfiniteData<HistoryPage, unknown>;

/** Whether `a` is listed before `b` in this sort. */
function listedBefore(a: TaskView, b: TaskView, sort: HistoryFilters["sort"]): boolean {
  const newer = a.createdAt === b.createdAt ? a.id > b.id : a.createdAt > b.createdAt;
  return sort === "newest" ? newer : !newer;
}

/** Whether a task (as the browser last saw it) belongs in a list with these filters; `q` is the server's to judge. */
export function fitsFilters(task: TaskView, filters: Pick<HistoryFilters, "status" | "starred">): boolean {
  if (filters.starred && !task.starred) return false;
  switch (filters.status) {
    case "all":
      return true;
    case "running":
      return !isTerminal(task.phase);
    default:
      return task.phase === filters.status;
  }
}

/** `task` replaced where it is, or put at its place in the loaded pages; left out when it belongs past them. */
function upsert(data: HistoryData, task: TaskView, sort: HistoryFilters["sort"]): HistoryData {
  const pages = data.pages;
  const where = pages.findIndex((page) => page.tasks.some((entry) => entry.id === task.id));
  if (where >= 0) {
    return {
      ...data,
      pages: pages.map((page, index) =>
        index === where ? { ...page, tasks: page.tasks.map((entry) => (entry.id === task.id ? task : entry)) } : page,
      ),
    };
  }
  for (let index = 0; index < pages.length; index += 1) {
    const tasks = pages[index]!.tasks;
    const at = tasks.findIndex((entry) => listedBefore(task, entry, sort));
    if (at >= 0) return withPage(data, index, [...tasks.slice(0, at), task, ...tasks.slice(at)]);
  }
  // After every loaded entry: the next page's cursor will bring it, unless there is no next page.
  const last = pages.length - 1;
  if (last < 0 || pages[last]!.nextCursor !== null) return data;
  return withPage(data, last, [...pages[last]!.tasks, task]);
}

function withPage(data: HistoryData, index: number, tasks: TaskView[]): HistoryData {
  return { ...data, pages: data.pages.map((page, i) => (i === index ? { ...page, tasks } : page)) };
}

/** Takes deleted tasks out of the cached history at once, without waiting for the next refresh. */
export function removeFromHistory(data: HistoryData | undefined, ids: Iterable<string>): HistoryData | undefined {
  const gone = new Set(ids);
  if (!data || gone.size === 0) return data;
  return {
    ...data,
    pages: data.pages.map((page) =>
      page.tasks.some((task) => gone.has(task.id))
        ? { ...page, tasks: page.tasks.filter((task) => !gone.has(task.id)) }
        : page,
    ),
  };
}

/** A refresh's answer folded in: deletions out, changed tasks updated in place or inserted at their place. */
export function mergeChanges(
  data: HistoryData | undefined,
  changes: HistoryChanges,
  filters: HistoryFilters,
): HistoryData | undefined {
  let merged = removeFromHistory(data, changes.deleted);
  if (!merged) return merged;
  for (const task of changes.changed) merged = upsert(merged, task, filters.sort);
  const [first, ...rest] = merged.pages;
  if (!first) return merged;
  return { ...merged, pages: [{ ...first, counts: changes.counts, since: changes.since }, ...rest] };
}

/** A task this browser just created, put where it belongs in a list (when the list's filters take it). */
export function addCreated(
  data: HistoryData | undefined,
  task: TaskView,
  filters: HistoryFilters,
): HistoryData | undefined {
  if (!data || filters.q !== "" || !fitsFilters(task, filters)) return data;
  if (data.pages.some((page) => page.tasks.some((entry) => entry.id === task.id))) return data;
  const [first, ...rest] = upsert(data, task, filters.sort).pages;
  if (!first) return data;
  const counts = { ...first.counts, all: first.counts.all + 1 };
  if (!isTerminal(task.phase)) counts.running += 1;
  return { ...data, pages: [{ ...first, counts }, ...rest] };
}

/** Every loaded entry, in order. */
export function loadedTasks(data: HistoryData | undefined): TaskView[] {
  return data ? data.pages.flatMap((page) => page.tasks) : [];
}
