import "server-only";
import { createHash } from "node:crypto";
import { studioError, type StudioErrorBody } from "../../errors";
import type { GenerationRequest } from "../../generation/schema";
import type { TaskView, VariantTake } from "../../tasks/view";
import { UpstreamError } from "../evolink/upstream-error";
import { upstreamFailure } from "../upstream-failure";
import { findSubmission } from "../store/submissions";
import { findTask, touchGroup } from "../store/tasks";
import { toTaskView } from "./refresh";
import { IdempotencyConflict, submitGeneration } from "./submit";

/** The group id of one Generate: a hash of its submit key, so every retry of that press names the same group. */
export function variantGroupId(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 24);
}

/**
 * Each take's own idempotency key. One take keeps the submit key itself (as before variants existed); takes of a
 * group get `<key>:<index>`, which no browser can send (a `:` fails the key pattern), so the two never collide.
 */
export function variantKey(key: string, index: number, count: number): string {
  return count === 1 ? key : `${key}:${index}`;
}

/** A submission's key: a browser's key, or a take's key derived from it (see variantKey). */
export const SUBMISSION_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}(?::[0-3])?$/;

export interface VariantSubmission {
  groupId: string;
  takes: VariantTake[];
  replayed: boolean;
}

/**
 * Sends the takes one after another, each through the idempotent submit under its derived key: a double click, a
 * retry or a reload that sends the same key again replays the takes already made and never adds more than the
 * count. A take refused upstream (or of unknown outcome) keeps its slot with its error and is never resent; the
 * others still go. When no take was made at all, the first failure is thrown, as a single Generate's would be.
 */
export async function submitVariants(
  request: GenerationRequest,
  key: string,
): Promise<{ task: TaskView; replayed: boolean } | VariantSubmission> {
  const count = request.variants ?? 1;
  // The same key sent once as a single take and once as a group would otherwise make both.
  if (await findSubmission(count === 1 ? `${key}:0` : key)) throw new IdempotencyConflict("different_request");
  if (count === 1) return submitGeneration(request, key);
  const groupId = variantGroupId(key);
  const takes: VariantTake[] = [];
  let replayed = true;
  let firstFailure: unknown = null;
  for (let index = 0; index < count; index += 1) {
    try {
      const made = await submitGeneration(request, variantKey(key, index, count), { groupId, index, count });
      replayed &&= made.replayed;
      takes.push({ index, task: made.task, error: null });
    } catch (error) {
      // A conflict or an element refusal is about the whole press: nothing (more) is sent.
      if (!(error instanceof UpstreamError) && index === 0) throw error;
      if (error instanceof IdempotencyConflict) throw error;
      firstFailure ??= error;
      takes.push({ index, task: null, error: failureBody(error) });
    }
  }
  if (takes.every((take) => take.task === null)) throw firstFailure;
  if (firstFailure === null) return { groupId, takes, replayed };
  // The takes made before a refusal are shown again with it, and a history refresh learns of it too.
  await touchGroup(groupId);
  const fresh = await Promise.all(
    takes.map(async (take) => ({ ...take, task: take.task && (await freshView(take.task)) })),
  );
  return { groupId, takes: fresh, replayed };
}

async function freshView(task: TaskView): Promise<TaskView> {
  const record = await findTask(task.id);
  return record ? toTaskView(record) : task;
}

function failureBody(error: unknown): StudioErrorBody {
  if (error instanceof UpstreamError) return upstreamFailure(error.code, error.upstreamMessage);
  return studioError("create_outcome_unknown");
}
