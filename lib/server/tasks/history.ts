import "server-only";
import { deleteArchived } from "./archive";
import { queueMissingPosters } from "./poster";
import { unknownSubmissions } from "../store/submissions";
import { deleteTask, findTask } from "../store/tasks";
import { changedSince, countTasks, deletedSince, matchingIds, pageTasks, setStarred } from "../store/history";
import type { ChangesQuery, FilterQuery, PageQuery } from "./history-params";
import { encodeCursor, encodeSince, filterKey } from "./history-tokens";
import { toTaskView } from "./refresh";
import {
  HISTORY_LIMITS,
  type BulkDeleteResult,
  type HistoryChanges,
  type HistoryPage,
  type TaskView,
  type UnknownSubmissionView,
} from "../../tasks/view";
import { isTerminal } from "../../evolink/contract";

const FIRST_PAGE: PageQuery = {
  kind: "page",
  filter: { status: "all", words: null, starred: false },
  key: filterKey("all", "", false),
  sort: "newest",
  limit: HISTORY_LIMITS.pageDefault,
  after: null,
};

/**
 * One page of the history in a stable order, with the counts and a token for asking what changed next, plus
 * submissions whose outcome is unknown. Archived entries without a poster get one queued (not awaited).
 */
export async function listHistory(query: PageQuery = FIRST_PAGE): Promise<HistoryPage> {
  // Taken before reading: a change made while this answer is built shows up in the next refresh.
  const since = encodeSince(query.key, Date.now());
  const rows = await pageTasks(query.filter, query.sort, query.after, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  queueMissingPosters(page);
  return {
    tasks: await Promise.all(page.map(toTaskView)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(query.sort, query.key, last) : null,
    counts: await countTasks(query.filter),
    since,
    unknownSubmissions: await unknownSubmissionViews(),
  };
}

/** What changed after a `since` token under the same filter: a few hundred bytes when nothing did. */
export async function historyChanges(query: ChangesQuery): Promise<HistoryChanges> {
  const next = encodeSince(query.key, Date.now());
  const { changed, left } = await changedSince(query.filter, query.since);
  return {
    changed: await Promise.all(changed.map(toTaskView)),
    deleted: [...(await deletedSince(query.since)), ...left],
    counts: await countTasks(query.filter),
    since: next,
    unknownSubmissions: await unknownSubmissionViews(),
  };
}

async function unknownSubmissionViews(): Promise<UnknownSubmissionView[]> {
  // Only a restart leaves a submission unknown without an error; a send that failed always records one.
  return (await unknownSubmissions()).map(({ key, prompt, createdAt, error }) => ({
    key,
    prompt,
    createdAt,
    cause: error ? "no_answer" : "interrupted",
  }));
}

/** Stars or unstars an entry; null when this studio has no such task. */
export async function starTask(id: string, starred: boolean): Promise<TaskView | null> {
  if (!(await setStarred(id, starred))) return null;
  const record = await findTask(id);
  return record ? toTaskView(record) : null;
}

/**
 * Deletes a finished entry and its archived video, after any copy still downloading is cancelled, so
 * no file outlives its entry. A running task is kept: it is still being paid for.
 */
export async function deleteFromHistory(id: string): Promise<"deleted" | "not_found" | "running"> {
  const record = await findTask(id);
  if (!record) return "not_found";
  if (!isTerminal((await toTaskView(record)).phase)) return "running";
  await deleteArchived(id, () => deleteTask(id));
  return "deleted";
}

/** Deletes the named entries, or every one a filter shows; running ones are skipped and named. */
export async function bulkDelete(target: { ids: string[] } | FilterQuery): Promise<BulkDeleteResult> {
  const ids = "ids" in target ? target.ids : await matchingIds(target.filter);
  const result: BulkDeleteResult = { deleted: [], skippedRunning: [], notFound: [] };
  for (const id of ids) {
    const prompt = (await findTask(id))?.request.prompt ?? "";
    const outcome = await deleteFromHistory(id);
    if (outcome === "deleted") result.deleted.push(id);
    else if (outcome === "running") result.skippedRunning.push({ id, prompt });
    else result.notFound.push(id);
  }
  return result;
}
