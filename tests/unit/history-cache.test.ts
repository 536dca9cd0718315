import { describe, expect, it } from "vitest";
import type { HistoryFilters } from "@/lib/client/history-api";
import type { HistoryChanges, HistoryCounts, HistoryPage } from "@/lib/tasks/view";
import {
  addCreated,
  fitsFilters,
  loadedTasks,
  mergeChanges,
  removeFromHistory,
  type HistoryData,
} from "@/lib/client/history-cache";
import type { TaskView } from "@/lib/tasks/view";
import { taskView } from "../helpers/task-view";

// Entry n was created at minute n; the server lists newest first (or oldest first) by created time, then id.
const MINUTE = 60_000;
const T0 = 1_760_000_000_000;
const at = (n: number) => T0 + n * MINUTE;
const entry = (n: number, overrides: Partial<TaskView> = {}) => taskView(n, { createdAt: at(n), ...overrides });

const NEWEST: HistoryFilters = { status: "all", q: "", starred: false, sort: "newest" };
const OLDEST: HistoryFilters = { ...NEWEST, sort: "oldest" };
const COUNTS: HistoryCounts = { all: 40, running: 2, completed: 30, failed: 8, starred: 3 };

/** A cached history of pages of entry numbers; every page but the last has a next cursor unless `complete` is false. */
function history(pages: number[][], { complete = true } = {}): HistoryData {
  return {
    pageParams: pages.map((_, i) => (i === 0 ? null : `cursor-${i}`)),
    pages: pages.map((numbers, i): HistoryPage => ({
      tasks: numbers.map((n) => entry(n)),
      nextCursor: i < pages.length - 1 || !complete ? `cursor-${i + 1}` : null,
      counts: COUNTS,
      unknownSubmissions: [],
      since: "since-0",
    })),
  };
}

const changes = (changed: TaskView[], deleted: string[] = []): HistoryChanges => ({
  changed,
  deleted,
  unknownSubmissions: [],
  counts: { ...COUNTS, all: 41 },
  since: "since-1",
});

/** Each page's entry numbers, read back from the ids' creation minutes. */
const layout = (data: HistoryData | undefined) =>
  data?.pages.map((page) => page.tasks.map((task) => (task.createdAt - T0) / MINUTE));

describe("mergeChanges", () => {
  it("updates a changed task in place, in whatever page it sits", () => {
    const data = history([
      [9, 8, 7],
      [6, 5, 4],
    ]);
    const finished = entry(5, { phase: "completed", progress: 100, updatedAt: at(20), starred: true });
    const merged = mergeChanges(data, changes([finished]), NEWEST)!;
    expect(layout(merged)).toEqual([
      [9, 8, 7],
      [6, 5, 4],
    ]);
    expect(merged.pages[1]!.tasks[1]).toBe(finished);
    // Pages without the task are kept as they were (the list re-renders only what changed).
    expect(merged.pages[0]!.tasks).toBe(data.pages[0]!.tasks);
  });

  it("inserts a new task at its place in newest order, across page boundaries", () => {
    const data = history([
      [90, 80, 70],
      [60, 50, 40],
    ]);
    expect(layout(mergeChanges(data, changes([entry(100)]), NEWEST))).toEqual([
      [100, 90, 80, 70],
      [60, 50, 40],
    ]);
    expect(layout(mergeChanges(data, changes([entry(75)]), NEWEST))).toEqual([
      [90, 80, 75, 70],
      [60, 50, 40],
    ]);
    // Between the last of page 0 and the first of page 1: the next page's cursor is after 70, so page 1 holds it.
    expect(layout(mergeChanges(data, changes([entry(65)]), NEWEST))).toEqual([
      [90, 80, 70],
      [65, 60, 50, 40],
    ]);
    expect(layout(mergeChanges(data, changes([entry(45)]), NEWEST))).toEqual([
      [90, 80, 70],
      [60, 50, 45, 40],
    ]);
  });

  it("inserts a new task at its place in oldest order", () => {
    const data = history([
      [10, 20, 30],
      [40, 50, 60],
    ]);
    expect(layout(mergeChanges(data, changes([entry(5)]), OLDEST))).toEqual([
      [5, 10, 20, 30],
      [40, 50, 60],
    ]);
    expect(layout(mergeChanges(data, changes([entry(35)]), OLDEST))).toEqual([
      [10, 20, 30],
      [35, 40, 50, 60],
    ]);
    expect(layout(mergeChanges(data, changes([entry(55)]), OLDEST))).toEqual([
      [10, 20, 30],
      [40, 50, 55, 60],
    ]);
  });

  it("breaks a tie in created time by id, as the server's order does", () => {
    const data = history([[30, 20, 10]]);
    const sameMinute = entry(99, { createdAt: at(20), id: "task-unified-1700000020-zzzzzzzz" });
    const merged = mergeChanges(data, changes([sameMinute]), NEWEST)!;
    expect(merged.pages[0]!.tasks.map((task) => task.id)).toEqual([
      entry(30).id,
      sameMinute.id,
      entry(20).id,
      entry(10).id,
    ]);
    const oldest = mergeChanges(history([[10, 20, 30]]), changes([sameMinute]), OLDEST)!;
    expect(oldest.pages[0]!.tasks.map((task) => task.id)).toEqual([
      entry(10).id,
      entry(20).id,
      sameMinute.id,
      entry(30).id,
    ]);
  });

  it("leaves out a task that belongs past the loaded pages while a next page remains", () => {
    const data = history(
      [
        [90, 80],
        [70, 60],
      ],
      { complete: false },
    );
    const merged = mergeChanges(data, changes([entry(10)]), NEWEST)!;
    expect(layout(merged)).toEqual([
      [90, 80],
      [70, 60],
    ]);
    expect(loadedTasks(merged).some((task) => task.id === entry(10).id)).toBe(false);
    // Oldest order: a task newer than every loaded one belongs past them too.
    expect(layout(mergeChanges(history([[10, 20]], { complete: false }), changes([entry(30)]), OLDEST))).toEqual([
      [10, 20],
    ]);
  });

  it("appends a task that belongs after every loaded one when the last page has no next cursor", () => {
    expect(
      layout(
        mergeChanges(
          history([
            [90, 80],
            [70, 60],
          ]),
          changes([entry(10)]),
          NEWEST,
        ),
      ),
    ).toEqual([
      [90, 80],
      [70, 60, 10],
    ]);
    expect(layout(mergeChanges(history([[10, 20]]), changes([entry(30)]), OLDEST))).toEqual([[10, 20, 30]]);
  });

  it("takes deleted ids out of every page, and drops tasks the filter no longer shows", () => {
    const data = history([
      [9, 8, 7],
      [6, 5, 4],
      [3, 2, 1],
    ]);
    const merged = mergeChanges(data, changes([], [entry(8).id, entry(5).id, entry(1).id]), NEWEST);
    expect(layout(merged)).toEqual([
      [9, 7],
      [6, 4],
      [3, 2],
    ]);
    // A running task that finished, listed under "Running": the server names it among the deleted.
    const running = history([[9, 8, 7]]);
    running.pages[0]!.tasks[1] = entry(8, { phase: "generating" });
    const finished = mergeChanges(running, changes([], [entry(8).id]), { ...NEWEST, status: "running" });
    expect(layout(finished)).toEqual([[9, 7]]);
  });

  it("follows the refresh's counts and since token on the first page only", () => {
    const merged = mergeChanges(history([[9], [8]]), changes([]), NEWEST)!;
    expect(merged.pages[0]!.counts).toEqual({ ...COUNTS, all: 41 });
    expect(merged.pages[0]!.since).toBe("since-1");
    expect(merged.pages[1]!.since).toBe("since-0");
  });

  it("leaves an empty cache alone and fills a loaded, empty history", () => {
    expect(mergeChanges(undefined, changes([entry(1)]), NEWEST)).toBeUndefined();
    const none: HistoryData = { pages: [], pageParams: [] };
    expect(mergeChanges(none, changes([entry(1)]), NEWEST)).toEqual(none);
    const empty = mergeChanges(history([[]]), changes([entry(1)]), NEWEST)!;
    expect(layout(empty)).toEqual([[1]]);
    expect(layout(mergeChanges(history([[]], { complete: false }), changes([entry(1)]), NEWEST))).toEqual([[]]);
  });

  it("never lists a task twice, even when a refresh names it twice or it is already listed", () => {
    const data = history([[9, 8], [7]]);
    const merged = mergeChanges(
      data,
      changes([entry(8, { progress: 99 }), entry(8, { progress: 100 }), entry(7)]),
      NEWEST,
    );
    expect(layout(merged)).toEqual([[9, 8], [7]]);
    expect(merged!.pages[0]!.tasks[1]!.progress).toBe(100);
  });
});

describe("removeFromHistory", () => {
  it("removes ids from every page and keeps pages without them as they were", () => {
    const data = history([[9, 8], [7, 6], [5]]);
    const removed = removeFromHistory(data, new Set([entry(8).id, entry(5).id]))!;
    expect(layout(removed)).toEqual([[9], [7, 6], []]);
    expect(removed.pages[1]).toBe(data.pages[1]);
  });

  it("changes nothing for no ids, unknown ids, or no cache", () => {
    const data = history([[9, 8]]);
    expect(removeFromHistory(data, [])).toBe(data);
    expect(layout(removeFromHistory(data, ["task-unified-1234567890-zzzzzzzz"]))).toEqual([[9, 8]]);
    expect(removeFromHistory(undefined, [entry(9).id])).toBeUndefined();
  });
});

describe("addCreated", () => {
  const queued = (n: number) => entry(n, { phase: "queued" });

  it("puts a new task first in newest order and counts it", () => {
    const added = addCreated(history([[9, 8], [7]]), queued(10), NEWEST)!;
    expect(layout(added)).toEqual([[10, 9, 8], [7]]);
    expect(added.pages[0]!.counts).toEqual({ ...COUNTS, all: 41, running: 3 });
  });

  it("in oldest order, appends it only when every page is loaded", () => {
    expect(layout(addCreated(history([[1, 2], [3]]), queued(10), OLDEST))).toEqual([
      [1, 2],
      [3, 10],
    ]);
    const partial = addCreated(history([[1, 2], [3]], { complete: false }), queued(10), OLDEST)!;
    expect(layout(partial)).toEqual([[1, 2], [3]]);
    // It exists on the server all the same.
    expect(partial.pages[0]!.counts.all).toBe(41);
  });

  it("does not list a task already listed (a repeat answered by idempotency), nor count it again", () => {
    const data = history([[9, 8]]);
    expect(addCreated(data, entry(9), NEWEST)).toBe(data);
  });

  it("keeps out of lists whose filters do not take it, or that search (the server judges q)", () => {
    const data = history([[9, 8]]);
    for (const filters of [
      { ...NEWEST, status: "completed" as const },
      { ...NEWEST, status: "failed" as const },
      { ...NEWEST, starred: true },
      { ...NEWEST, q: "dolly" },
    ]) {
      expect(addCreated(data, queued(10), filters)).toBe(data);
    }
    expect(layout(addCreated(data, queued(10), { ...NEWEST, status: "running" }))).toEqual([[10, 9, 8]]);
    expect(addCreated(undefined, queued(10), NEWEST)).toBeUndefined();
  });
});

describe("fitsFilters", () => {
  it("running means queued or generating; a finished one leaves that list", () => {
    const running = { status: "running", starred: false } as const;
    expect(fitsFilters(entry(1, { phase: "queued" }), running)).toBe(true);
    expect(fitsFilters(entry(1, { phase: "generating" }), running)).toBe(true);
    expect(fitsFilters(entry(1, { phase: "completed" }), running)).toBe(false);
    expect(fitsFilters(entry(1, { phase: "failed" }), running)).toBe(false);
  });

  it("a status filter takes only its phase, and Starred only starred entries", () => {
    expect(fitsFilters(entry(1, { phase: "failed" }), { status: "completed", starred: false })).toBe(false);
    expect(fitsFilters(entry(1, { phase: "failed" }), { status: "failed", starred: false })).toBe(true);
    expect(fitsFilters(entry(1, { phase: "failed" }), { status: "all", starred: false })).toBe(true);
    expect(fitsFilters(entry(1, { starred: true }), { status: "all", starred: true })).toBe(true);
    // Unstarred while listed under Starred.
    expect(fitsFilters(entry(1, { starred: false }), { status: "all", starred: true })).toBe(false);
    expect(fitsFilters(entry(1, { starred: true, phase: "failed" }), { status: "completed", starred: true })).toBe(
      false,
    );
  });
});

describe("loadedTasks", () => {
  it("flattens the pages in order, and is empty without a cache", () => {
    expect(loadedTasks(history([[9, 8], [], [7]])).map((task) => task.id)).toEqual([9, 8, 7].map((n) => entry(n).id));
    expect(loadedTasks(undefined)).toEqual([]);
  });
});
