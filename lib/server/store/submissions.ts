import "server-only";
import type { StudioErrorBody } from "../../errors";
import { query } from "./connection";
import type { StoreSchema } from "./schema";

/**
 * A Generate press, keyed by the browser's idempotency key. It is written as `sending` *before* the
 * upstream create, so a crash in between leaves a visible trace (`unknown`), never a silent retry.
 */
export type SubmissionState = "sending" | "created" | "rejected" | "unknown";

export interface Submission {
  key: string;
  requestHash: string;
  state: SubmissionState;
  taskId: string | null;
  error: StudioErrorBody | null;
  prompt: string;
  createdAt: number;
}

type SubmissionRow = StoreSchema["submissions"];

function fromRow(row: SubmissionRow): Submission {
  return {
    key: row.idempotency_key,
    requestHash: row.request_hash,
    state: row.state,
    taskId: row.task_id,
    error: row.error_json ? (JSON.parse(row.error_json) as StudioErrorBody) : null,
    prompt: (JSON.parse(row.request_json) as { prompt?: string }).prompt ?? "",
    createdAt: row.created_at,
  };
}

export async function findSubmission(key: string): Promise<Submission | undefined> {
  const row = await (
    await query()
  )
    .selectFrom("submissions")
    .selectAll()
    .where("idempotency_key", "=", key)
    .executeTakeFirst();
  return row && fromRow(row);
}

/**
 * Claims the key; false when another request already holds it: the primary key decides races, on either engine
 * (insert-or-nothing, so two duplicates arriving at once make one row and one create).
 * `callbackTokenHash` is the SHA-256 of the task's callback token, when callbacks are on.
 */
export async function beginSubmission(
  key: string,
  requestHash: string,
  requestJson: string,
  callbackTokenHash: string | null = null,
  slot: { groupId: string; index: number } | null = null,
): Promise<boolean> {
  const now = Date.now();
  const result = await (
    await query()
  )
    .insertInto("submissions")
    .values({
      idempotency_key: key,
      request_hash: requestHash,
      state: "sending",
      request_json: requestJson,
      created_at: now,
      updated_at: now,
      callback_token_hash: callbackTokenHash,
      group_id: slot?.groupId ?? null,
      variant_index: slot?.index ?? null,
      task_id: null,
      error_json: null,
    })
    .onConflict((conflict) => conflict.column("idempotency_key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
}

/** The task a callback token was issued for, once its create succeeded. */
export async function taskIdForCallbackToken(tokenHash: string): Promise<string | undefined> {
  const row = await (
    await query()
  )
    .selectFrom("submissions")
    .select("task_id")
    .where("callback_token_hash", "=", tokenHash)
    .where("state", "=", "created")
    .executeTakeFirst();
  return row?.task_id ?? undefined;
}

export async function settleSubmission(
  key: string,
  state: Exclude<SubmissionState, "sending">,
  outcome: { taskId?: string; error?: StudioErrorBody },
): Promise<void> {
  await (
    await query()
  )
    .updateTable("submissions")
    .set({
      state,
      task_id: outcome.taskId ?? null,
      error_json: outcome.error ? JSON.stringify(outcome.error) : null,
      updated_at: Date.now(),
    })
    .where("idempotency_key", "=", key)
    .execute();
}

/** At start: anything still `sending` was cut off by a restart, so its outcome is unknown. */
export async function markInterruptedSubmissions(): Promise<number> {
  const result = await (
    await query()
  )
    .updateTable("submissions")
    .set({ state: "unknown", updated_at: Date.now() })
    .where("state", "=", "sending")
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Submissions whose outcome nobody knows, for the history to show until dismissed. */
export async function unknownSubmissions(): Promise<Submission[]> {
  const rows = await (
    await query()
  )
    .selectFrom("submissions")
    .selectAll()
    .where("state", "=", "unknown")
    .orderBy("created_at", "desc")
    .execute();
  return rows.map(fromRow);
}

/** Dismissing keeps the key (so it can never be replayed into a create) but hides it from history. */
export async function dismissSubmission(key: string): Promise<boolean> {
  const result = await (
    await query()
  )
    .updateTable("submissions")
    .set({ state: "rejected", updated_at: Date.now() })
    .where("idempotency_key", "=", key)
    .where("state", "=", "unknown")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The takes of a variant group that made no task: refused upstream, or of unknown outcome (never resent). */
export async function failedSlots(groupId: string): Promise<Array<{ index: number; error: StudioErrorBody | null }>> {
  const rows = await (
    await query()
  )
    .selectFrom("submissions")
    .select(["variant_index", "error_json"])
    .where("group_id", "=", groupId)
    .where("state", "in", ["rejected", "unknown"])
    .orderBy("variant_index")
    .execute();
  return rows.map((row) => ({
    index: row.variant_index ?? 0,
    error: row.error_json ? (JSON.parse(row.error_json) as StudioErrorBody) : null,
  }));
}
