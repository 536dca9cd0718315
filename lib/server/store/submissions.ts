import "server-only";
import type { StudioErrorBody } from "../../errors";
import { statement } from "./connection";

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

interface SubmissionRow {
  idempotency_key: string;
  request_hash: string;
  state: SubmissionState;
  task_id: string | null;
  error_json: string | null;
  request_json: string;
  created_at: number;
}

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

export function findSubmission(key: string): Submission | undefined {
  const row = statement("SELECT * FROM submissions WHERE idempotency_key = ?").get(key) as SubmissionRow | undefined;
  return row && fromRow(row);
}

/**
 * Claims the key; false when another request already holds it (the primary key decides races).
 * `callbackTokenHash` is the SHA-256 of the task's callback token, when callbacks are on.
 */
export function beginSubmission(
  key: string,
  requestHash: string,
  requestJson: string,
  callbackTokenHash: string | null = null,
  slot: { groupId: string; index: number } | null = null,
): boolean {
  const now = Date.now();
  const result = statement(
    `INSERT OR IGNORE INTO submissions (idempotency_key, request_hash, state, request_json, created_at, updated_at,
       callback_token_hash, group_id, variant_index)
     VALUES (?, ?, 'sending', ?, ?, ?, ?, ?, ?)`,
  ).run(key, requestHash, requestJson, now, now, callbackTokenHash, slot?.groupId ?? null, slot?.index ?? null);
  return result.changes === 1;
}

/** The task a callback token was issued for, once its create succeeded. */
export function taskIdForCallbackToken(tokenHash: string): string | undefined {
  const row = statement("SELECT task_id FROM submissions WHERE callback_token_hash = ? AND state = 'created'").get(
    tokenHash,
  ) as { task_id: string | null } | undefined;
  return row?.task_id ?? undefined;
}

export function settleSubmission(
  key: string,
  state: Exclude<SubmissionState, "sending">,
  outcome: { taskId?: string; error?: StudioErrorBody },
): void {
  statement(
    "UPDATE submissions SET state = ?, task_id = ?, error_json = ?, updated_at = ? WHERE idempotency_key = ?",
  ).run(state, outcome.taskId ?? null, outcome.error ? JSON.stringify(outcome.error) : null, Date.now(), key);
}

/** At start: anything still `sending` was cut off by a restart, so its outcome is unknown. */
export function markInterruptedSubmissions(): number {
  return statement("UPDATE submissions SET state = 'unknown', updated_at = ? WHERE state = 'sending'").run(Date.now())
    .changes;
}

/** Submissions whose outcome nobody knows, for the history to show until dismissed. */
export function unknownSubmissions(): Submission[] {
  return (
    statement("SELECT * FROM submissions WHERE state = 'unknown' ORDER BY created_at DESC").all() as SubmissionRow[]
  ).map(fromRow);
}

/** Dismissing keeps the key (so it can never be replayed into a create) but hides it from history. */
export function dismissSubmission(key: string): boolean {
  return (
    statement(
      "UPDATE submissions SET state = 'rejected', updated_at = ? WHERE idempotency_key = ? AND state = 'unknown'",
    ).run(Date.now(), key).changes > 0
  );
}

/** The takes of a variant group that made no task: refused upstream, or of unknown outcome (never resent). */
export function failedSlots(groupId: string): Array<{ index: number; error: StudioErrorBody | null }> {
  return (
    statement(
      `SELECT variant_index, error_json FROM submissions
       WHERE group_id = ? AND state IN ('rejected', 'unknown') ORDER BY variant_index`,
    ).all(groupId) as Array<{ variant_index: number; error_json: string | null }>
  ).map((row) => ({
    index: row.variant_index,
    error: row.error_json ? (JSON.parse(row.error_json) as StudioErrorBody) : null,
  }));
}
