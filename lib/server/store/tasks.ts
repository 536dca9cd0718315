import "server-only";
import { LIVE_STATUSES } from "../../evolink/contract";
import type { StudioErrorBody } from "../../errors";
import type { GenerationRequest } from "../../generation/schema";
import type { UsedElement } from "../../elements/view";
import type { ExpressionBuilder, Selectable } from "kysely";
import { inTransaction, query } from "./connection";
import type { StoreSchema } from "./schema";

export type ArchiveState = "none" | "archived" | "failed" | "expired";
export type PosterState = "none" | "ready" | "failed" | "unavailable";
/** The reference video's copy: `gone` when its link no longer answers, `failed` when it could not be kept. */
export type ReferenceState = "none" | "archived" | "gone" | "failed";

/** What else was kept with the references (archive-reference.ts): the video's thumbnail, each image and its own. */
export interface KeptReferences {
  videoThumbnail: boolean;
  images: Array<{ state: ReferenceState; thumbnail: boolean }>;
}

/** Which take of one Generate a task is: the group id is a hash of the submit key. */
export interface VariantSlot {
  groupId: string;
  index: number;
  count: number;
}

/** Everything the studio knows about a task it created. */
export interface TaskRecord {
  id: string;
  request: GenerationRequest;
  /** The library elements the request named, as they were when it was sent. */
  elements: UsedElement[];
  createdAt: number;
  updatedAt: number;
  upstreamStatus: string;
  progress: number;
  estimatedSeconds: number | null;
  creditsReserved: number | null;
  resultUrl: string | null;
  error: StudioErrorBody | null;
  polledAt: number | null;
  archiveState: ArchiveState;
  archiveBytes: number | null;
  archiveError: string | null;
  archiveAttempts: number;
  starred: boolean;
  posterState: PosterState;
  posterAttempts: number;
  variant: VariantSlot | null;
  referenceState: ReferenceState;
  /** Null until the references are kept (and for entries from before images were). */
  keptReferences: KeptReferences | null;
}

export type TaskRow = Selectable<StoreSchema["tasks"]>;

export function fromRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    request: JSON.parse(row.request_json) as GenerationRequest,
    elements: row.elements_json ? (JSON.parse(row.elements_json) as UsedElement[]) : [],
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    upstreamStatus: row.upstream_status,
    progress: row.progress,
    estimatedSeconds: row.estimated_seconds,
    creditsReserved: row.credits_reserved,
    resultUrl: row.result_url,
    error: row.error_json ? (JSON.parse(row.error_json) as StudioErrorBody) : null,
    polledAt: row.polled_at,
    archiveState: row.archive_state,
    archiveBytes: row.archive_bytes,
    archiveError: row.archive_error,
    archiveAttempts: row.archive_attempts,
    starred: row.starred === 1,
    posterState: row.poster_state,
    posterAttempts: row.poster_attempts,
    variant:
      row.group_id === null
        ? null
        : { groupId: row.group_id, index: row.variant_index ?? 0, count: row.variant_count ?? 1 },
    referenceState: row.reference_state,
    keptReferences: row.kept_references_json ? (JSON.parse(row.kept_references_json) as KeptReferences) : null,
  };
}

const COLUMNS = {
  updatedAt: "updated_at",
  upstreamStatus: "upstream_status",
  progress: "progress",
  estimatedSeconds: "estimated_seconds",
  creditsReserved: "credits_reserved",
  resultUrl: "result_url",
  error: "error_json",
  polledAt: "polled_at",
  archiveState: "archive_state",
  archiveBytes: "archive_bytes",
  archiveError: "archive_error",
  archiveAttempts: "archive_attempts",
  starred: "starred",
  posterState: "poster_state",
  posterAttempts: "poster_attempts",
  referenceState: "reference_state",
  keptReferences: "kept_references_json",
} as const satisfies Record<
  keyof Omit<TaskRecord, "id" | "request" | "elements" | "createdAt" | "variant">,
  keyof StoreSchema["tasks"]
>;

const JSON_COLUMNS = new Set<keyof typeof COLUMNS>(["error", "keptReferences"]);

export type TaskPatch = Partial<
  Omit<TaskRecord, "id" | "request" | "elements" | "createdAt" | "updatedAt" | "variant">
>;

/** Records a newly created task; `idempotencyKey` ties it to the submission that made it. */
export async function insertTask(
  record: Omit<
    TaskRecord,
    | "updatedAt"
    | "polledAt"
    | "archiveState"
    | "archiveBytes"
    | "archiveError"
    | "archiveAttempts"
    | "starred"
    | "posterState"
    | "posterAttempts"
    | "elements"
    | "variant"
    | "referenceState"
    | "keptReferences"
  > & { elements?: UsedElement[]; variant?: VariantSlot | null },
  idempotencyKey: string | null,
): Promise<TaskRecord> {
  await (
    await query()
  )
    .insertInto("tasks")
    .values({
      id: record.id,
      idempotency_key: idempotencyKey,
      request_json: JSON.stringify(record.request),
      created_at: record.createdAt,
      updated_at: Date.now(),
      upstream_status: record.upstreamStatus,
      progress: record.progress,
      estimated_seconds: record.estimatedSeconds,
      credits_reserved: record.creditsReserved,
      result_url: record.resultUrl,
      error_json: record.error ? JSON.stringify(record.error) : null,
      polled_at: null,
      archive_bytes: null,
      archive_error: null,
      elements_json: record.elements?.length ? JSON.stringify(record.elements) : null,
      group_id: record.variant?.groupId ?? null,
      variant_index: record.variant?.index ?? null,
      variant_count: record.variant?.count ?? null,
      kept_references_json: null,
    })
    .execute();
  return (await findTask(record.id)) as TaskRecord;
}

export async function findTask(id: string): Promise<TaskRecord | undefined> {
  const row = await (await query()).selectFrom("tasks").selectAll().where("id", "=", id).executeTakeFirst();
  return row && fromRow(row);
}

export async function updateTask(id: string, patch: TaskPatch): Promise<TaskRecord | undefined> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries({ ...patch, updatedAt: Date.now() }) as Array<
    [keyof typeof COLUMNS, unknown]
  >) {
    values[COLUMNS[key]] = JSON_COLUMNS.has(key)
      ? value
        ? JSON.stringify(value)
        : null
      : typeof value === "boolean"
        ? Number(value)
        : value;
  }
  await (await query()).updateTable("tasks").set(values).where("id", "=", id).execute();
  return findTask(id);
}

/** Marks a variant group's tasks changed (a take of it was refused), so the next history refresh re-reads them. */
export async function touchGroup(groupId: string): Promise<void> {
  await (await query()).updateTable("tasks").set({ updated_at: Date.now() }).where("group_id", "=", groupId).execute();
}

// A refresh older than this cannot learn of every deletion, so its token is refused and the list read again.
export const TOMBSTONE_KEEP_MS = 30 * 24 * 3600_000;

/** Deletes a task and leaves a tombstone, so a browser's next refresh learns it is gone. */
export function deleteTask(id: string): Promise<boolean> {
  const now = Date.now();
  return inTransaction(async () => {
    const db = await query();
    const deleted = Number((await db.deleteFrom("tasks").where("id", "=", id).executeTakeFirst()).numDeletedRows) > 0;
    if (deleted) {
      await db
        .insertInto("deleted_tasks")
        .values({ id, deleted_at: now })
        .onConflict((conflict) => conflict.column("id").doUpdateSet({ deleted_at: now }))
        .execute();
      await db
        .deleteFrom("deleted_tasks")
        .where("deleted_at", "<", now - TOMBSTONE_KEEP_MS)
        .execute();
    }
    return deleted;
  });
}

// The statuses of a running task; any other is terminal, known or not (CONTRACT.md, "Task statuses").
const LIVE_STATUS_LIST = Object.keys(LIVE_STATUSES);

type TaskFilter = ExpressionBuilder<StoreSchema, "tasks">;

/** Tasks the background poller must keep moving: not finished upstream, and not failed here (leases.ts claims them). */
export function unfinished(eb: TaskFilter) {
  return eb.and([
    eb("status_group", "=", "running"),
    eb("upstream_status", "in", LIVE_STATUS_LIST),
    eb("error_json", "is", null),
  ]);
}

/** Completed tasks whose result still needs copying into the archive (leases.ts claims them). */
export function awaitingArchive(eb: TaskFilter, maxAttempts: number) {
  return eb.and([
    eb("archive_state", "in", ["none", "failed"]),
    eb("upstream_status", "=", "completed"),
    eb("result_url", "is not", null),
    eb.or([eb("archive_state", "=", "none"), eb("archive_attempts", "<", maxAttempts)]),
  ]);
}

/** Archived tasks whose poster failed and may be tried again. */
export async function tasksAwaitingPosterRetry(maxAttempts: number): Promise<TaskRecord[]> {
  const rows = await (
    await query()
  )
    .selectFrom("tasks")
    .selectAll()
    .where("poster_state", "=", "failed")
    .where("poster_attempts", "<", maxAttempts)
    .where("archive_state", "=", "archived")
    .execute();
  return rows.map(fromRow);
}

/** A new process may find ffmpeg where the last one did not: its posters are made again when listed. */
export async function forgetUnavailablePosters(): Promise<number> {
  const result = await (
    await query()
  )
    .updateTable("tasks")
    .set({ poster_state: "none" })
    .where("poster_state", "=", "unavailable")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
