import "server-only";
import type { HistoryCounts, HistorySort, HistoryStatus } from "../../tasks/view";
import { statement } from "./connection";
import { fromRow, type TaskRecord, type TaskRow } from "./tasks";

/** Which entries a list shows. `match` is an FTS5 expression built by ftsMatch, never a person's raw text. */
export interface HistoryFilter {
  status: HistoryStatus;
  match: string | null;
  starred: boolean;
}

/** A position in the list: the (created_at, id) of the last entry shown. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

/**
 * A person's search text as an FTS5 expression that can only mean "these words": each word (letters and digits,
 * as the unicode61 tokenizer splits them) is quoted and searched as a prefix, so `"`, `*`, `NEAR`, `AND`, `-` or
 * column filters are plain text. Text with no word at all (a lone `-`) is the empty phrase, which matches nothing.
 */
export function ftsMatch(text: string): string {
  const words = text.match(/[\p{L}\p{N}]+/gu);
  return words ? words.map((word) => `"${word}"*`).join(" ") : '""';
}

/** The filter for a search text (trimmed; empty means no search). */
export function historyFilter(status: HistoryStatus, q: string, starred: boolean): HistoryFilter {
  const text = q.trim();
  return { status, match: text ? ftsMatch(text) : null, starred };
}

// A search runs the full-text index first (CROSS JOIN fixes that order) and then reads only its matches.
const source = (filter: HistoryFilter) =>
  filter.match ? "tasks_fts CROSS JOIN tasks ON tasks.rowid = tasks_fts.rowid" : "tasks";

function conditions(filter: HistoryFilter): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (filter.match) {
    sql.push("tasks_fts MATCH ?");
    params.push(filter.match);
  }
  if (filter.status !== "all") {
    sql.push("tasks.status_group = ?");
    params.push(filter.status);
  }
  if (filter.starred) sql.push("tasks.starred = 1");
  return { sql, params };
}

const whereClause = (sql: string[]) => (sql.length ? `WHERE ${sql.join(" AND ")}` : "");

/** One page in a stable order (created time, then id): entries added while paging never shift it. */
export function pageTasks(
  filter: HistoryFilter,
  sort: HistorySort,
  after: ListPosition | null,
  limit: number,
): TaskRecord[] {
  return (selectPage("tasks.*", filter, sort, after, limit) as TaskRow[]).map(fromRow);
}

/** Ids of the entries the filter shows (at most `limit`; -1 for all), newest first, for "all matching" actions. */
export function matchingIds(filter: HistoryFilter, limit = -1): string[] {
  return (selectPage("tasks.id", filter, "newest", null, limit) as Array<{ id: string }>).map((row) => row.id);
}

function selectPage(
  columns: string,
  filter: HistoryFilter,
  sort: HistorySort,
  after: ListPosition | null,
  limit: number,
): unknown[] {
  const { sql, params } = conditions(filter);
  const before = sort === "newest";
  if (after) {
    sql.push(`(tasks.created_at, tasks.id) ${before ? "<" : ">"} (?, ?)`);
    params.push(after.createdAt, after.id);
  }
  const direction = before ? "DESC" : "ASC";
  return statement(
    `SELECT ${columns} FROM ${source(filter)} ${whereClause(sql)}
     ORDER BY tasks.created_at ${direction}, tasks.id ${direction} LIMIT ?`,
  ).all(...params, limit);
}

const ZERO: HistoryCounts = { all: 0, running: 0, completed: 0, failed: 0, starred: 0 };

/** Entries per status, and starred, under the filter's search and star (not its status), in one query. */
export function countTasks(filter: HistoryFilter): HistoryCounts {
  const { sql, params } = conditions({ ...filter, status: "all" });
  const rows = statement(
    `SELECT tasks.status_group AS status, count(*) AS n, sum(tasks.starred) AS starred
     FROM ${source(filter)} ${whereClause(sql)}
     GROUP BY tasks.status_group`,
  ).all(...params) as Array<{ status: "running" | "completed" | "failed"; n: number; starred: number }>;
  const counts = { ...ZERO };
  for (const row of rows) {
    counts[row.status] = row.n;
    counts.all += row.n;
    counts.starred += row.starred;
  }
  return counts;
}

/** Entries changed at or after `since` (ms): those the filter shows, and the ids of those it no longer shows. */
export function changedSince(filter: HistoryFilter, since: number): { changed: TaskRecord[]; left: string[] } {
  const all = statement("SELECT id FROM tasks WHERE updated_at >= ?").all(since) as Array<{ id: string }>;
  if (all.length === 0) return { changed: [], left: [] };
  const { sql, params } = conditions(filter);
  sql.push("tasks.updated_at >= ?");
  const changed = (
    statement(`SELECT tasks.* FROM ${source(filter)} ${whereClause(sql)}`).all(...params, since) as TaskRow[]
  ).map(fromRow);
  const shown = new Set(changed.map((record) => record.id));
  return { changed, left: all.map((row) => row.id).filter((id) => !shown.has(id)) };
}

/** Ids deleted at or after `since` (ms). */
export function deletedSince(since: number): string[] {
  return (statement("SELECT id FROM deleted_tasks WHERE deleted_at >= ?").all(since) as Array<{ id: string }>).map(
    (row) => row.id,
  );
}

export function setStarred(id: string, starred: boolean): boolean {
  return (
    statement("UPDATE tasks SET starred = ?, updated_at = ? WHERE id = ?").run(Number(starred), Date.now(), id)
      .changes > 0
  );
}
