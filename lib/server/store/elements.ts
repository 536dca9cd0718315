import "server-only";
import type { StudioErrorBody } from "../../errors";
import type { ElementRequest } from "../../elements/schema";
import { query } from "./connection";
import type { Selectable } from "kysely";
import type { StoreSchema } from "./schema";

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

type ElementRow = Selectable<StoreSchema["elements"]>;

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
export async function beginElement(
  id: string,
  key: string,
  requestHash: string,
  request: ElementRequest,
): Promise<boolean> {
  const now = Date.now();
  const result = await (
    await query()
  )
    .insertInto("elements")
    .values({
      id,
      idempotency_key: key,
      request_hash: requestHash,
      name: request.name,
      description: request.description,
      frontal_image_url: request.frontalImageUrl,
      extra_image_urls_json: JSON.stringify(request.extraImageUrls),
      thumbnail: request.thumbnail ?? null,
      state: "sending",
      task_id: null,
      upstream_status: null,
      estimated_seconds: null,
      element_id: null,
      error_json: null,
      raw_result_json: null,
      created_at: now,
      updated_at: now,
      polled_at: null,
    })
    .onConflict((conflict) => conflict.doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function findElement(id: string): Promise<ElementRecord | undefined> {
  const row = await (await query()).selectFrom("elements").selectAll().where("id", "=", id).executeTakeFirst();
  return row && fromRow(row);
}

export async function findElementByKey(key: string): Promise<ElementRecord | undefined> {
  const row = await (
    await query()
  )
    .selectFrom("elements")
    .selectAll()
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
  return row && fromRow(row);
}

/** The whole library, newest first (a library holds tens of elements, not thousands). */
export async function listElements(): Promise<ElementRecord[]> {
  const rows = await (
    await query()
  )
    .selectFrom("elements")
    .selectAll()
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  return rows.map(fromRow);
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

const COLUMNS = {
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
} as const satisfies Record<keyof ElementPatch, keyof StoreSchema["elements"]>;

const JSON_COLUMNS: ReadonlySet<string> = new Set(["error", "rawResult"]);

export async function updateElement(id: string, patch: ElementPatch): Promise<ElementRecord | undefined> {
  const values: Record<string, unknown> = { updated_at: Date.now() };
  for (const [key, value] of Object.entries(patch) as Array<[keyof ElementPatch, unknown]>) {
    values[COLUMNS[key]] = JSON_COLUMNS.has(key)
      ? value === null || value === undefined
        ? null
        : JSON.stringify(value)
      : value;
  }
  await (await query()).updateTable("elements").set(values).where("id", "=", id).execute();
  return findElement(id);
}

/** Forgets an element here only: the upstream keeps it (no delete is documented). */
export async function deleteElement(id: string): Promise<boolean> {
  const result = await (await query()).deleteFrom("elements").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Elements whose creation task the background poller must keep following. */
export async function creatingElementIds(): Promise<string[]> {
  const rows = await (await query()).selectFrom("elements").select("id").where("state", "=", "creating").execute();
  return rows.map((row) => row.id);
}

/** At start: a create cut off by a restart may or may not exist upstream; it is never resent. */
export async function markInterruptedElements(error: StudioErrorBody): Promise<number> {
  const result = await (
    await query()
  )
    .updateTable("elements")
    .set({ state: "failed", error_json: JSON.stringify(error), updated_at: Date.now() })
    .where("state", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Which of `ids` are still in the library. */
export async function existingElementIds(ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await (
    await query()
  )
    .selectFrom("elements")
    .select("id")
    .where("id", "in", [...ids])
    .execute();
  return new Set(rows.map((row) => row.id));
}
