import "server-only";
import { LIVE_STATUSES } from "../../evolink/contract";
import type { StudioErrorBody } from "../../errors";
import type { GenerationRequest } from "../../generation/schema";
import type { UsedElement } from "../../elements/view";
import { db, statement } from "./connection";

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

export interface TaskRow {
  id: string;
  request_json: string;
  created_at: number;
  updated_at: number;
  upstream_status: string;
  progress: number;
  estimated_seconds: number | null;
  credits_reserved: number | null;
  result_url: string | null;
  error_json: string | null;
  polled_at: number | null;
  archive_state: ArchiveState;
  archive_bytes: number | null;
  archive_error: string | null;
  archive_attempts: number;
  starred: number;
  poster_state: PosterState;
  poster_attempts: number;
  elements_json: string | null;
  group_id: string | null;
  variant_index: number | null;
  variant_count: number | null;
  reference_state: ReferenceState;
  kept_references_json: string | null;
}

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

const COLUMNS: Record<keyof Omit<TaskRecord, "id" | "request" | "elements" | "createdAt" | "variant">, string> = {
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
};

const JSON_COLUMNS = new Set<keyof typeof COLUMNS>(["error", "keptReferences"]);

export type TaskPatch = Partial<
  Omit<TaskRecord, "id" | "request" | "elements" | "createdAt" | "updatedAt" | "variant">
>;

/** Records a newly created task; `idempotencyKey` ties it to the submission that made it. */
export function insertTask(
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
): TaskRecord {
  const now = Date.now();
  statement(
    `INSERT INTO tasks (id, idempotency_key, request_json, created_at, updated_at, upstream_status, progress,
       estimated_seconds, credits_reserved, result_url, error_json, elements_json, group_id, variant_index, variant_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(
    record.id,
    idempotencyKey,
    JSON.stringify(record.request),
    record.createdAt,
    now,
    record.upstreamStatus,
    record.progress,
    record.estimatedSeconds,
    record.creditsReserved,
    record.resultUrl,
    record.error ? JSON.stringify(record.error) : null,
    record.elements?.length ? JSON.stringify(record.elements) : null,
    record.variant?.groupId ?? null,
    record.variant?.index ?? null,
    record.variant?.count ?? null,
  );
  return findTask(record.id) as TaskRecord;
}

export function findTask(id: string): TaskRecord | undefined {
  const row = statement("SELECT * FROM tasks WHERE id = ?").get(id) as TaskRow | undefined;
  return row && fromRow(row);
}

export function updateTask(id: string, patch: TaskPatch): TaskRecord | undefined {
  const entries = Object.entries({ ...patch, updatedAt: Date.now() }) as Array<[keyof typeof COLUMNS, unknown]>;
  const assignments = entries.map(([key]) => `${COLUMNS[key]} = ?`).join(", ");
  const values = entries.map(([key, value]) =>
    JSON_COLUMNS.has(key) ? (value ? JSON.stringify(value) : null) : typeof value === "boolean" ? Number(value) : value,
  );
  statement(`UPDATE tasks SET ${assignments} WHERE id = ?`).run(...values, id);
  return findTask(id);
}

/** Marks a variant group's tasks changed (a take of it was refused), so the next history refresh re-reads them. */
export function touchGroup(groupId: string): void {
  statement("UPDATE tasks SET updated_at = ? WHERE group_id = ?").run(Date.now(), groupId);
}

// A refresh older than this cannot learn of every deletion, so its token is refused and the list read again.
export const TOMBSTONE_KEEP_MS = 30 * 24 * 3600_000;

/** Deletes a task and leaves a tombstone, so a browser's next refresh learns it is gone. */
export function deleteTask(id: string): boolean {
  const now = Date.now();
  return db().transaction(() => {
    const deleted = statement("DELETE FROM tasks WHERE id = ?").run(id).changes > 0;
    if (deleted) {
      statement("INSERT OR REPLACE INTO deleted_tasks (id, deleted_at) VALUES (?, ?)").run(id, now);
      statement("DELETE FROM deleted_tasks WHERE deleted_at < ?").run(now - TOMBSTONE_KEEP_MS);
    }
    return deleted;
  })();
}

// The statuses of a running task; any other is terminal, known or not (CONTRACT.md, "Task statuses").
const LIVE_STATUS_LIST = `(${Object.keys(LIVE_STATUSES)
  .map((status) => `'${status}'`)
  .join(", ")})`;

/** Tasks the background poller must keep moving: not finished upstream, and not failed here. */
export function unfinishedTaskIds(): string[] {
  return (
    statement(
      `SELECT id FROM tasks WHERE status_group = 'running' AND upstream_status IN ${LIVE_STATUS_LIST} AND error_json IS NULL`,
    ).all() as Array<{ id: string }>
  ).map((row) => row.id);
}

/** Completed tasks whose result still needs copying into the archive. */
export function tasksAwaitingArchive(maxAttempts: number): TaskRecord[] {
  return (
    statement(
      `SELECT * FROM tasks WHERE archive_state IN ('none', 'failed') AND upstream_status = 'completed'
         AND result_url IS NOT NULL AND (archive_state = 'none' OR archive_attempts < ?)`,
    ).all(maxAttempts) as TaskRow[]
  ).map(fromRow);
}

/** Archived tasks whose poster failed and may be tried again. */
export function tasksAwaitingPosterRetry(maxAttempts: number): TaskRecord[] {
  return (
    statement(
      `SELECT * FROM tasks WHERE poster_state = 'failed' AND poster_attempts < ? AND archive_state = 'archived'`,
    ).all(maxAttempts) as TaskRow[]
  ).map(fromRow);
}

/** A new process may find ffmpeg where the last one did not: its posters are made again when listed. */
export function forgetUnavailablePosters(): number {
  return statement("UPDATE tasks SET poster_state = 'none' WHERE poster_state = 'unavailable'").run().changes;
}
