import "server-only";
import { z } from "zod";
import { errorResponse } from "../http/api-response";
import { TASK_ID_PATTERN } from "../../evolink/contract";
import { fieldErrors } from "../../generation/schema";
import {
  HISTORY_LIMITS,
  HISTORY_SORTS,
  HISTORY_STATUSES,
  type HistorySort,
  type HistoryStatus,
} from "../../tasks/view";
import { historyFilter, type HistoryFilter, type ListPosition } from "../store/history";
import { decodeCursor, decodeSince, filterKey } from "./history-tokens";

/** A validated filter, with the fingerprint its tokens are bound to. */
export interface FilterQuery {
  filter: HistoryFilter;
  key: string;
}

export type PageQuery = FilterQuery & { kind: "page"; sort: HistorySort; limit: number; after: ListPosition | null };
export type ChangesQuery = FilterQuery & { kind: "changes"; since: number };
export type HistoryQuery = PageQuery | ChangesQuery;

export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response };

const refuse = (detail: string): { ok: false; response: Response } => ({
  ok: false,
  response: errorResponse("invalid_history_query", { detail }),
});
const quoted = (value: string) => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

type Choice<T> = { value: T } | { problem: string };

function oneOf<T extends string>(name: string, value: string | null, allowed: readonly T[], fallback: T): Choice<T> {
  if (value === null) return { value: fallback };
  return (allowed as readonly string[]).includes(value)
    ? { value: value as T }
    : { problem: `${name} must be one of ${allowed.join(", ")} (got ${quoted(value)}).` };
}

/** status, q and starred: the filter a list, a ZIP or a bulk delete applies. */
export function parseFilter(params: URLSearchParams): Parsed<FilterQuery> {
  const status = oneOf<HistoryStatus>("status", params.get("status"), HISTORY_STATUSES, "all");
  const starred = oneOf("starred", params.get("starred"), ["0", "1"], "0");
  if ("problem" in status) return refuse(status.problem);
  if ("problem" in starred) return refuse(starred.problem);
  return filterFrom(status.value, params.get("q") ?? "", starred.value === "1");
}

export function filterFrom(status: HistoryStatus, q: string, starred: boolean): Parsed<FilterQuery> {
  if (q.length > HISTORY_LIMITS.searchMaxChars) {
    return {
      ok: false,
      response: errorResponse("search_too_long", { detail: `The search has ${q.length} characters.` }),
    };
  }
  return { ok: true, value: { filter: historyFilter(status, q, starred), key: filterKey(status, q, starred) } };
}

/** Everything `GET /api/tasks` accepts; any bad value is a 400 naming it, before the store is read. */
export function parseHistoryQuery(params: URLSearchParams): Parsed<HistoryQuery> {
  const filtered = parseFilter(params);
  if (!filtered.ok) return filtered;
  const { value: base } = filtered;
  const cursor = params.get("cursor");
  const since = params.get("since");
  if (cursor !== null && since !== null)
    return refuse("Send either cursor (the next page) or since (changes), not both.");
  if (since !== null) {
    const at = decodeSince(since, base.key);
    if (typeof at === "string") return { ok: false, response: errorResponse("invalid_cursor", { detail: at }) };
    return { ok: true, value: { ...base, kind: "changes", since: at } };
  }
  const sort = oneOf<HistorySort>("sort", params.get("sort"), HISTORY_SORTS, "newest");
  if ("problem" in sort) return refuse(sort.problem);
  const limit = parseLimit(params.get("limit"));
  if (typeof limit === "string") return refuse(limit);
  let after: ListPosition | null = null;
  if (cursor !== null) {
    const position = decodeCursor(cursor, sort.value, base.key);
    if (typeof position === "string")
      return { ok: false, response: errorResponse("invalid_cursor", { detail: position }) };
    after = position;
  }
  return { ok: true, value: { ...base, kind: "page", sort: sort.value, limit, after } };
}

function parseLimit(value: string | null): number | string {
  if (value === null) return HISTORY_LIMITS.pageDefault;
  const limit = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  if (limit >= 1 && limit <= HISTORY_LIMITS.pageMax) return limit;
  return `limit must be a whole number from 1 to ${HISTORY_LIMITS.pageMax} (got ${quoted(value)}).`;
}

export const starBodySchema = z.strictObject({ starred: z.boolean() });

const bulkDeleteSchema = z.union([
  z.strictObject({ ids: z.array(z.string().max(200)).min(1).max(HISTORY_LIMITS.bulkMax) }),
  z.strictObject({
    match: z.strictObject({
      status: z.enum(HISTORY_STATUSES).optional(),
      q: z.string().optional(),
      starred: z.boolean().optional(),
    }),
  }),
]);

/** `{ ids }` (1–1000 well-formed task ids) or `{ match: { status, q, starred } }`. */
export function parseBulkDelete(body: unknown): Parsed<{ ids: string[] } | FilterQuery> {
  const parsed = bulkDeleteSchema.safeParse(body);
  if (!parsed.success)
    return { ok: false, response: errorResponse("validation_failed", { fields: fieldErrors(parsed.error) }) };
  if ("match" in parsed.data) {
    const { status = "all", q = "", starred = false } = parsed.data.match;
    return filterFrom(status, q, starred);
  }
  const ids = parseIds(parsed.data.ids);
  return ids.ok ? { ok: true, value: { ids: ids.value } } : ids;
}

/** Task ids named by a request: every one well-formed, else a 400 naming the first that is not. */
export function parseIds(ids: readonly string[]): Parsed<string[]> {
  const bad = ids.find((id) => !TASK_ID_PATTERN.test(id));
  if (bad === undefined) return { ok: true, value: [...new Set(ids)] };
  return { ok: false, response: errorResponse("invalid_task_id", { detail: `Not a task id: ${quoted(bad)}.` }) };
}
