import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { studioError } from "../../errors";
import { upstreamFailure } from "../upstream-failure";
import { createGeneration } from "../evolink/client";
import { invalidateBalance } from "../evolink/balance";
import { UpstreamError } from "../evolink/upstream-error";
import type { GenerationRequest } from "../../generation/schema";
import { db } from "../store/connection";
import { beginSubmission, findSubmission, settleSubmission, type Submission } from "../store/submissions";
import { findTask, insertTask, type VariantSlot } from "../store/tasks";
import { toTaskView } from "./refresh";
import type { TaskView } from "../../tasks/view";
import { newCallback } from "./callbacks";
import { resolveElements } from "../elements/resolve";
import type { UsedElement } from "../../elements/view";

export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;

/** A key reused for a different request: answered 409, nothing sent upstream. */
export class IdempotencyConflict extends Error {
  constructor(readonly reason: "different_request" | "in_progress") {
    super(reason);
    this.name = "IdempotencyConflict";
  }
}

// Same-process duplicates (a double click) wait for the first request instead of racing it.
const globalForSubmit = globalThis as typeof globalThis & { __submitting?: Map<string, Promise<TaskView>> };
const submitting = (globalForSubmit.__submitting ??= new Map());

/**
 * Creates a task at most once per idempotency key. The submission is recorded before the upstream call;
 * a repeat of the same key gets the same task (or the same refusal) back without another paid create.
 */
export async function submitGeneration(
  request: GenerationRequest,
  idempotencyKey?: string,
  slot: VariantSlot | null = null,
): Promise<{ task: TaskView; replayed: boolean }> {
  const key = idempotencyKey ?? randomUUID();
  const requestJson = JSON.stringify(request);
  const requestHash = createHash("sha256").update(requestJson).digest("hex");

  // Refused before the key is claimed: an element that cannot be used changes nothing.
  const elements = resolveElements(request.elementIds ?? []);
  const pending = submitting.get(key);
  if (pending) {
    assertSameRequest(findSubmission(key), requestHash);
    return { task: await pending, replayed: true };
  }
  // The callback token's hash is stored with the submission, before anything is sent.
  const callback = newCallback();
  if (!beginSubmission(key, requestHash, requestJson, callback?.tokenHash, slot)) {
    return { task: replay(findSubmission(key), requestHash), replayed: true };
  }
  const created = send(key, request, elements, callback?.url, slot).finally(() => submitting.delete(key));
  submitting.set(key, created);
  return { task: await created, replayed: false };
}

async function send(
  key: string,
  request: GenerationRequest,
  elements: UsedElement[],
  callbackUrl: string | undefined,
  slot: VariantSlot | null,
): Promise<TaskView> {
  try {
    const upstream = await createGeneration(
      request,
      callbackUrl,
      elements.map((element) => element.elementId),
    );
    // The task reserved credits: the header's balance is read again.
    invalidateBalance();
    // The task row and the submission's outcome land together, or not at all.
    const record = db().transaction(() => {
      const inserted = insertTask(
        {
          id: upstream.id,
          request,
          elements,
          // The studio's clock, in ms: upstream's `created` has whole seconds, so takes sent within one second
          // would sort among themselves at random in the history.
          createdAt: Date.now(),
          upstreamStatus: upstream.status,
          progress: upstream.progress,
          estimatedSeconds: upstream.estimatedSeconds,
          creditsReserved: upstream.creditsReserved,
          resultUrl: upstream.resultUrl,
          error: null,
          variant: slot,
        },
        key,
      );
      settleSubmission(key, "created", { taskId: upstream.id });
      return inserted;
    })();
    return toTaskView(record);
  } catch (error) {
    if (error instanceof UpstreamError) {
      const state = error.code === "create_outcome_unknown" ? "unknown" : "rejected";
      settleSubmission(key, state, { error: upstreamFailure(error.code, error.upstreamMessage) });
    } else {
      settleSubmission(key, "unknown", { error: studioError("create_outcome_unknown") });
    }
    throw error;
  }
}

function assertSameRequest(submission: Submission | undefined, requestHash: string): void {
  if (submission && submission.requestHash !== requestHash) throw new IdempotencyConflict("different_request");
}

/** What a repeated key gets: the task it made, or the same refusal it got the first time. */
function replay(submission: Submission | undefined, requestHash: string): TaskView {
  assertSameRequest(submission, requestHash);
  if (!submission || submission.state === "sending") throw new IdempotencyConflict("in_progress");
  const task = submission.taskId ? findTask(submission.taskId) : undefined;
  if (submission.state === "created" && task) return toTaskView(task);
  const error = submission.error ?? studioError("create_outcome_unknown");
  throw new UpstreamError(error.code, error.upstreamMessage, undefined);
}
