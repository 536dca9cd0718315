import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { studioError } from "../../errors";
import type { ElementRequest } from "../../elements/schema";
import type { ElementView } from "../../elements/view";
import { createElementTask } from "../evolink/client";
import { UpstreamError } from "../evolink/upstream-error";
import { beginElement, deleteElement, findElementByKey, updateElement } from "../store/elements";
import { IdempotencyConflict } from "../tasks/submit";
import { toElementView } from "./view";

/**
 * Creates an element at most once per idempotency key, as generations are submitted: the key is claimed in
 * the store before the paid upstream create, so a double click or a retried request gets the same element
 * back and never pays twice. A create the upstream refused leaves nothing behind (nothing was made); one
 * whose outcome is unknown stays in the library as failed, and is never resent.
 */
export async function createElement(
  request: ElementRequest,
  idempotencyKey?: string,
): Promise<{ element: ElementView; replayed: boolean }> {
  const key = idempotencyKey ?? randomUUID();
  const requestHash = createHash("sha256").update(JSON.stringify(request)).digest("hex");
  const id = `el-${randomBytes(8).toString("hex")}`;
  if (!(await beginElement(id, key, requestHash, request))) {
    const existing = await findElementByKey(key);
    if (!existing) throw new IdempotencyConflict("in_progress");
    if (existing.requestHash !== requestHash) throw new IdempotencyConflict("different_request");
    return { element: toElementView(existing), replayed: true };
  }
  try {
    const task = await createElementTask(request);
    const record = await updateElement(id, {
      state: "creating",
      taskId: task.id,
      upstreamStatus: task.status,
      progress: task.progress,
      estimatedSeconds: task.estimatedSeconds,
    });
    return { element: toElementView(record!), replayed: false };
  } catch (error) {
    if (error instanceof UpstreamError && error.code !== "create_outcome_unknown") await deleteElement(id);
    else await updateElement(id, { state: "failed", error: studioError("create_outcome_unknown") });
    throw error;
  }
}
