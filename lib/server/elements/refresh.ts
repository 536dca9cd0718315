import "server-only";
import { studioError } from "../../errors";
import { readElementId } from "../../evolink/element-result";
import { phaseOf } from "../../evolink/contract";
import type { UpstreamTask } from "../../evolink/schemas";
import type { ElementView } from "../../elements/view";
import { getTaskWithBody } from "../evolink/client";
import { UpstreamError } from "../evolink/upstream-error";
import { config } from "../config";
import { findElement, updateElement, type ElementPatch, type ElementRecord } from "../store/elements";
import { taskFailure, upstreamFailure } from "../upstream-failure";
import { toElementView } from "./view";

// Concurrent refreshes of one element share a single upstream GET (browsers and the poller alike).
const globalForElements = globalThis as typeof globalThis & { __refreshingElements?: Map<string, Promise<void>> };
const refreshing = (globalForElements.__refreshingElements ??= new Map());

/**
 * The element as it stands, asking the upstream about its creation task at most once per poll interval
 * (the cadence of lib/tasks/polling.ts, as for generations); null for an id not in the library.
 */
export async function refreshElement(id: string): Promise<ElementView | null> {
  const record = await findElement(id);
  if (!record) return null;
  if (record.state !== "creating" || !record.taskId || !intervalElapsed(record)) return toElementView(record);
  let inFlight = refreshing.get(id);
  if (!inFlight) {
    inFlight = poll(record, record.taskId).finally(() => refreshing.delete(id));
    refreshing.set(id, inFlight);
  }
  await inFlight;
  const latest = await findElement(id);
  return latest ? toElementView(latest) : null;
}

function intervalElapsed(record: ElementRecord): boolean {
  return record.polledAt === null || Date.now() - record.polledAt >= config().pollIntervalMs;
}

async function poll(record: ElementRecord, taskId: string): Promise<void> {
  const polledAt = Date.now();
  try {
    const { task, body } = await getTaskWithBody(taskId);
    await updateElement(record.id, { ...outcome(task, body, record), polledAt });
  } catch (error) {
    // The upstream forgot the task (expired or never existed there): that ends the creation for good.
    if (error instanceof UpstreamError && (error.code === "task_not_found" || error.code === "resource_not_found")) {
      await updateElement(record.id, {
        state: "failed",
        error: upstreamFailure(error.code, error.upstreamMessage),
        polledAt,
      });
      return;
    }
    await updateElement(record.id, { polledAt });
    throw error;
  }
}

/** What one read of the creation task changes: progress while it runs; the element_id, or why not, once it ends. */
export function outcome(
  task: UpstreamTask,
  body: unknown,
  record: Pick<ElementRecord, "estimatedSeconds">,
): ElementPatch {
  const phase = phaseOf(task.status);
  const common = { upstreamStatus: task.status, estimatedSeconds: task.estimatedSeconds ?? record.estimatedSeconds };
  if (phase === "queued" || phase === "generating") return { ...common, progress: task.progress };
  if (phase === "failed")
    return { ...common, state: "failed", progress: task.progress, error: taskFailure(task), rawResult: body };
  const reading = readElementId(body);
  if (reading.ok) return { ...common, state: "ready", progress: 100, elementId: reading.elementId, rawResult: body };
  const keys = reading.keys.length ? reading.keys.join(", ") : "none";
  return {
    ...common,
    state: "failed",
    progress: 100,
    rawResult: body,
    error: studioError(
      "element_id_missing",
      `The finished task ${task.id} had no element_id; its answer's keys: ${keys}.`,
    ),
  };
}
