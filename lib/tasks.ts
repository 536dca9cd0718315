import "server-only";
import { resolveErrorCode, studioError } from "./errors";
import { createGeneration, getTask, UpstreamError } from "./evolink/client";
import { pollIntervalMs } from "./evolink/config";
import type { UpstreamTask } from "./evolink/upstream-schemas";
import type { GenerationRequest } from "./generation-schema";
import { reservedCredits } from "./pricing";
import { findTask, saveTask, updateTask, type TaskRecord } from "./task-store";
import { isTerminal, phaseOf, type TaskView } from "./task-view";

/** Creates the upstream task and records it; the returned view is what the browser's card starts from. */
export async function submitGeneration(request: GenerationRequest): Promise<TaskView> {
  const upstream = await createGeneration(request);
  const now = Date.now();
  const record: TaskRecord = {
    id: upstream.id,
    request,
    createdAt: upstream.createdAt ?? now,
    updatedAt: now,
    upstreamStatus: upstream.status,
    progress: upstream.progress,
    estimatedSeconds: upstream.estimatedSeconds,
    creditsReserved: upstream.creditsReserved,
    resultUrl: upstream.resultUrl,
    error: taskError(upstream),
  };
  saveTask(record);
  return toTaskView(record);
}

/**
 * Latest state of a task this studio created, or null for any other id (so the key cannot be used to
 * read arbitrary Evolink tasks). Finished tasks are answered from the store without an upstream call.
 */
export async function refreshTask(id: string): Promise<TaskView | null> {
  const record = findTask(id);
  if (!record) return null;
  if (isTerminal(phaseOf(record.upstreamStatus))) return toTaskView(record);
  try {
    const upstream = await getTask(id);
    const updated = updateTask(id, {
      upstreamStatus: upstream.status,
      progress: upstream.status === "completed" ? 100 : upstream.progress,
      estimatedSeconds: upstream.estimatedSeconds ?? record.estimatedSeconds,
      creditsReserved: upstream.creditsReserved ?? record.creditsReserved,
      resultUrl: upstream.resultUrl,
      error: taskError(upstream),
    });
    return toTaskView(updated ?? record);
  } catch (error) {
    // The upstream forgot the task (expired or never existed there): that ends it for good.
    if (error instanceof UpstreamError && (error.code === "task_not_found" || error.code === "resource_not_found")) {
      const failed = updateTask(id, { upstreamStatus: "failed", error: studioError(error.code, error.upstreamMessage) });
      return toTaskView(failed ?? record);
    }
    throw error;
  }
}

function taskError(upstream: UpstreamTask): TaskView["error"] {
  const phase = phaseOf(upstream.status);
  if (phase === "completed" && !upstream.resultUrl) {
    return studioError("upstream_malformed", "The task completed without a result URL.");
  }
  if (phase !== "failed") return null;
  if (upstream.error) return studioError(resolveErrorCode(upstream.error.code), upstream.error.message);
  const cancelled = ["cancelled", "canceled", "expired"].includes(upstream.status);
  return studioError(cancelled ? "task_cancelled" : "unknown_status", `Upstream status: ${upstream.status}`);
}

export function toTaskView(record: TaskRecord): TaskView {
  // A "completed" task without a playable result is a failure to the person looking at it.
  const phase = record.error ? "failed" : phaseOf(record.upstreamStatus);
  const done = phase === "completed";
  return {
    id: record.id,
    phase,
    upstreamStatus: record.upstreamStatus,
    progress: record.progress,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    estimatedSeconds: record.estimatedSeconds,
    reservedCredits: record.creditsReserved === null ? null : reservedCredits(record.creditsReserved),
    prompt: record.request.prompt,
    duration: record.request.duration,
    aspectRatio: record.request.aspectRatio,
    quality: record.request.quality,
    error: record.error,
    previewUrl: done ? `/api/tasks/${record.id}/video` : null,
    downloadUrl: done ? `/api/tasks/${record.id}/video?download=1` : null,
    pollAfterMs: pollIntervalMs(),
  };
}
