import "server-only";
import type { StudioErrorBody } from "../../errors";
import type { ElementRequest } from "../../elements/schema";
import { statement } from "./connection";

/** `sending`: claimed before the upstream create; `creating`: the upstream task runs; then `ready` or `failed`. */
export type ElementState = "sending" | "creating" | "ready" | "failed";

export interface ElementRecord {
  id: string;
  idempotencyKey: string;
  requestHash: string;
  name: string;
  description: string;
  frontalImageUrl: string;
  extraImageUrls: string[];
  thumbnail: string | null;
  state: ElementState;
  taskId: string | null;
  upstreamStatus: string | null;
  progress: number;
  estimatedSeconds: number | null;
  elementId: string | null;
  error: StudioErrorBody | null;
  rawResult: unknown;
  createdAt: number;
  updatedAt: number;
  polledAt: number | null;
}

interface ElementRow {
  id: string;
  idempotency_key: string;
  request_hash: string;
  name: string;
  description: string;
  frontal_image_url: string;
  extra_image_urls_json: string;
  thumbnail: string | null;
  state: ElementState;
  task_id: string | null;
  upstream_status: string | null;
  progress: number;
  estimated_seconds: number | null;
  element_id: string | null;
  error_json: string | null;
  raw_result_json: string | null;
  created_at: number;
  updated_at: number;
  polled_at: number | null;
}

function fromRow(row: ElementRow): ElementRecord {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    name: row.name,
    description: row.description,
    frontalImageUrl: row.frontal_image_url,
    extraImageUrls: JSON.parse(row.extra_image_urls_json) as string[],
    thumbnail: row.thumbnail,
    state: row.state,
    taskId: row.task_id,
    upstreamStatus: row.upstream_status,
    progress: row.progress,
    estimatedSeconds: row.estimated_seconds,
    elementId: row.element_id,
    error: row.error_json ? (JSON.parse(row.error_json) as StudioErrorBody) : null,
    rawResult: row.raw_result_json ? (JSON.parse(row.raw_result_json) as unknown) : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    polledAt: row.polled_at,
  };
}

/**
 * Claims `key` for a new element, before anything is sent; false when the key is already taken (the unique
 * key decides races, as for submissions).
 */
export function beginElement(id: string, key: string, requestHash: string, request: ElementRequest): boolean {
  const now = Date.now();
  return (
    statement(
      `INSERT OR IGNORE INTO elements (id, idempotency_key, request_hash, name, description, frontal_image_url,
         extra_image_urls_json, thumbnail, state, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sending', ?, ?)`,
    ).run(
      id,
      key,
      requestHash,
      request.name,
      request.description,
      request.frontalImageUrl,
      JSON.stringify(request.extraImageUrls),
      request.thumbnail ?? null,
      now,
      now,
    ).changes === 1
  );
}

export function findElement(id: string): ElementRecord | undefined {
  const row = statement("SELECT * FROM elements WHERE id = ?").get(id) as ElementRow | undefined;
  return row && fromRow(row);
}

export function findElementByKey(key: string): ElementRecord | undefined {
  const row = statement("SELECT * FROM elements WHERE idempotency_key = ?").get(key) as ElementRow | undefined;
  return row && fromRow(row);
}

/** The whole library, newest first (a library holds tens of elements, not thousands). */
export function listElements(): ElementRecord[] {
  return (statement("SELECT * FROM elements ORDER BY created_at DESC, id DESC").all() as ElementRow[]).map(fromRow);
}

export type ElementPatch = Partial<
  Pick<
    ElementRecord,
    | "name"
    | "state"
    | "taskId"
    | "upstreamStatus"
    | "progress"
    | "estimatedSeconds"
    | "elementId"
    | "error"
    | "polledAt"
  > & { rawResult: unknown }
>;

const COLUMNS: Record<keyof ElementPatch, string> = {
  name: "name",
  state: "state",
  taskId: "task_id",
  upstreamStatus: "upstream_status",
  progress: "progress",
  estimatedSeconds: "estimated_seconds",
  elementId: "element_id",
  error: "error_json",
  polledAt: "polled_at",
  rawResult: "raw_result_json",
};

const JSON_COLUMNS: ReadonlySet<string> = new Set(["error", "rawResult"]);

export function updateElement(id: string, patch: ElementPatch): ElementRecord | undefined {
  const entries = Object.entries(patch) as Array<[keyof ElementPatch, unknown]>;
  const assignments = [...entries.map(([key]) => `${COLUMNS[key]} = ?`), "updated_at = ?"].join(", ");
  const values = entries.map(([key, value]) =>
    JSON_COLUMNS.has(key) ? (value === null || value === undefined ? null : JSON.stringify(value)) : value,
  );
  statement(`UPDATE elements SET ${assignments} WHERE id = ?`).run(...values, Date.now(), id);
  return findElement(id);
}

/** Forgets an element here only: the upstream keeps it (no delete is documented). */
export function deleteElement(id: string): boolean {
  return statement("DELETE FROM elements WHERE id = ?").run(id).changes > 0;
}

/** Elements whose creation task the background poller must keep following. */
export function creatingElementIds(): string[] {
  return (statement("SELECT id FROM elements WHERE state = 'creating'").all() as Array<{ id: string }>).map(
    (row) => row.id,
  );
}

/** At start: a create cut off by a restart may or may not exist upstream; it is never resent. */
export function markInterruptedElements(error: StudioErrorBody): number {
  return statement("UPDATE elements SET state = 'failed', error_json = ?, updated_at = ? WHERE state = 'sending'").run(
    JSON.stringify(error),
    Date.now(),
  ).changes;
}

/** Which of `ids` are still in the library. */
export function existingElementIds(ids: readonly string[]): Set<string> {
  if (ids.length === 0) return new Set();
  const rows = statement(`SELECT id FROM elements WHERE id IN (${ids.map(() => "?").join(", ")})`).all(
    ...ids,
  ) as Array<{
    id: string;
  }>;
  return new Set(rows.map((row) => row.id));
}
