import "server-only";
import { sql, type SelectQueryBuilder } from "kysely";
import type { HistoryCounts, HistorySort, HistoryStatus } from "../../tasks/view";
import { engine, query, type Engine } from "./connection";
import type { StoreSchema } from "./schema";
import { fromRow, type TaskRecord } from "./tasks";

/**
 * Which entries a list shows. `words` are the search's words (letters and digits only, never a person's raw
 * text), each matched as a prefix; an empty list is a search that can match nothing; null is no search.
 */
export interface HistoryFilter {
  status: HistoryStatus;
  words: string[] | null;
  starred: boolean;
}

/** A position in the list: the (created_at, id) of the last entry shown. */
export interface ListPosition {
  createdAt: number;
  id: string;
}

/** The words of a search text as the full-text indexes split them (FTS5's unicode61; PostgreSQL's `simple`). */
export function searchWords(text: string): string[] {
  return text.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * The words as an FTS5 expression that can only mean "these words": each is quoted and searched as a prefix, so
 * `"`, `*`, `NEAR`, `AND`, `-` or column filters are plain text. No word at all is the empty phrase, which matches
 * nothing.
 */
export function ftsMatch(words: readonly string[]): string {
  return words.length ? words.map((word) => `"${word}"*`).join(" ") : '""';
}

/** The same for PostgreSQL: every word, each as a prefix (`'dolly':* & 'word1':*`). */
export function tsQuery(words: readonly string[]): string {
  return words.map((word) => `'${word}':*`).join(" & ");
}

/** The filter for a search text (trimmed; empty means no search). */
export function historyFilter(status: HistoryStatus, q: string, starred: boolean): HistoryFilter {
  const text = q.trim();
  return { status, words: text ? searchWords(text) : null, starred };
}

type TasksQuery = SelectQueryBuilder<StoreSchema, "tasks", object>;

/**
 * The filtered tasks, the one place where the engines' full-text search differs. SQLite runs the FTS5 index first
 * (CROSS JOIN fixes that order) and then reads only its matches; PostgreSQL asks its GIN index over `search`.
 */
function filtered(db: Awaited<ReturnType<typeof query>>, engineName: Engine, filter: HistoryFilter): TasksQuery {
  let selection: TasksQuery;
  const words = filter.words;
  if (words === null) selection = db.selectFrom("tasks");
  else if (engineName === "sqlite")
    selection = db
      .selectFrom("tasks_fts")
      .crossJoin("tasks")
      .where(sql<boolean>`tasks.rowid = tasks_fts.rowid`)
      .where(sql<boolean>`tasks_fts MATCH ${ftsMatch(words)}`) as unknown as TasksQuery;
  else
    selection = db
      .selectFrom("tasks")
      .where(
        words.length ? sql<boolean>`tasks.search @@ to_tsquery('simple', ${tsQuery(words)})` : sql<boolean>`false`,
      );
  if (filter.status !== "all") selection = selection.where("tasks.status_group", "=", filter.status);
  if (filter.starred) selection = selection.where("tasks.starred", "=", 1);
  return selection;
}

async function tasksWhere(filter: HistoryFilter): Promise<TasksQuery> {
  return filtered(await query(), await engine(), filter);
}

/** One page in a stable order (created time, then id): entries added while paging never shift it. */
export async function pageTasks(
  filter: HistoryFilter,
  sort: HistorySort,
  after: ListPosition | null,
  limit: number,
): Promise<TaskRecord[]> {
  const rows = await ordered(await tasksWhere(filter), sort, after, limit)
    .selectAll("tasks")
    .execute();
  return rows.map(fromRow);
}

/** Ids of the entries the filter shows (at most `limit`; all without one), newest first, for "all matching" actions. */
export async function matchingIds(filter: HistoryFilter, limit?: number): Promise<string[]> {
  const rows = await ordered(await tasksWhere(filter), "newest", null, limit)
    .select("tasks.id")
    .execute();
  return rows.map((row) => row.id);
}

function ordered(selection: TasksQuery, sort: HistorySort, after: ListPosition | null, limit?: number): TasksQuery {
  const before = sort === "newest";
  const direction = before ? "desc" : "asc";
  let page = selection;
  if (after)
    page = page.where((eb) =>
      eb(eb.refTuple("tasks.created_at", "tasks.id"), before ? "<" : ">", eb.tuple(after.createdAt, after.id)),
    );
  page = page.orderBy("tasks.created_at", direction).orderBy("tasks.id", direction);
  return limit === undefined ? page : page.limit(limit);
}

const ZERO: HistoryCounts = { all: 0, running: 0, completed: 0, failed: 0, starred: 0 };

/** Entries per status, and starred, under the filter's search and star (not its status), in one query. */
export async function countTasks(filter: HistoryFilter): Promise<HistoryCounts> {
  const rows = await (
    await tasksWhere({ ...filter, status: "all" })
  )
    .select((eb) => [
      "tasks.status_group as status",
      eb.fn.countAll<number>().as("n"),
      eb.fn.sum<number>("tasks.starred").as("starred"),
    ])
    .groupBy("tasks.status_group")
    .execute();
  const counts = { ...ZERO };
  for (const row of rows) {
    counts[row.status] = Number(row.n);
    counts.all += Number(row.n);
    counts.starred += Number(row.starred);
  }
  return counts;
}

/** Entries changed at or after `since` (ms): those the filter shows, and the ids of those it no longer shows. */
export async function changedSince(
  filter: HistoryFilter,
  since: number,
): Promise<{ changed: TaskRecord[]; left: string[] }> {
  const all = await (await query()).selectFrom("tasks").select("id").where("updated_at", ">=", since).execute();
  if (all.length === 0) return { changed: [], left: [] };
  const changed = (
    await (await tasksWhere(filter)).where("tasks.updated_at", ">=", since).selectAll("tasks").execute()
  ).map(fromRow);
  const shown = new Set(changed.map((record) => record.id));
  return { changed, left: all.map((row) => row.id).filter((id) => !shown.has(id)) };
}

/** Ids deleted at or after `since` (ms). */
export async function deletedSince(since: number): Promise<string[]> {
  const rows = await (
    await query()
  )
    .selectFrom("deleted_tasks")
    .select("id")
    .where("deleted_at", ">=", since)
    .execute();
  return rows.map((row) => row.id);
}

export async function setStarred(id: string, starred: boolean): Promise<boolean> {
  const result = await (
    await query()
  )
    .updateTable("tasks")
    .set({ starred: Number(starred), updated_at: Date.now() })
    .where("id", "=", id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
