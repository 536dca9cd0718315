import "server-only";
import { failedSlots } from "../store/submissions";
import { studioError } from "../../errors";
import { taskFailure, upstreamFailure } from "../upstream-failure";
import { getTask } from "../evolink/client";
import { UpstreamError } from "../evolink/upstream-error";
import { config } from "../config";
import { nextPollAfterMs } from "../../tasks/polling";
import type { UpstreamTask } from "../../evolink/schemas";
import { reservedCredits } from "../../generation/pricing";
import { scrubSecrets, scrubSecretsDeep } from "../scrub-secrets";
import { findUploads } from "../store/uploads";
import { existingElementIds } from "../store/elements";
import { findTask, updateTask, type TaskRecord } from "../store/tasks";
import { claimPollSlot, takePollSlot } from "../store/leases";
import type { ReferenceInfo, TaskView } from "../../tasks/view";
import { isTerminal, phaseOf } from "../../evolink/contract";

// Concurrent refreshes of one task in this process share one poll-slot claim and one upstream GET (browsers, tabs
// and the poller alike); across instances the slot in the database does the same (leases.ts).
const globalForTasks = globalThis as typeof globalThis & {
  __refreshing?: Map<string, Promise<TaskRecord>>;
  __refreshedNowAt?: Map<string, number>;
  __onCompleted?: (record: TaskRecord) => void;
};
const refreshing = (globalForTasks.__refreshing ??= new Map());
// When each task last had an out-of-cadence refresh (refreshTaskNow), so callbacks cannot multiply GETs.
const refreshedNowAt = (globalForTasks.__refreshedNowAt ??= new Map<string, number>());

/** Lets the archiver start as soon as a refresh sees a task complete. */
export function onTaskCompleted(listener: (record: TaskRecord) => void): void {
  globalForTasks.__onCompleted = listener;
}

/**
 * Latest state of a task this studio created, or null for any other id (so the key cannot be used to
 * read arbitrary Evolink tasks). The upstream is asked at most once per poll interval per task, by whichever
 * instance claims the task's poll slot; the others, and finished tasks, are answered from the store.
 */
export async function refreshTask(id: string): Promise<TaskView | null> {
  const record = await findTask(id);
  if (!record) return null;
  if (finished(record) || !intervalElapsed(record)) return toTaskView(record);
  return toTaskView(await sharedPoll(record));
}

/**
 * Asks the upstream now, whatever the interval (a callback said the task finished). At most once per
 * task per poll interval: further calls within it (retried or replayed callbacks) take the ordinary
 * path, which joins a GET in flight or answers from the store. Still single-flight: a GET already in
 * flight may have left before the change, so once it lands the task is asked again only if it still
 * looks unfinished. The refresh takes the task's poll slot whoever held it, so regular polls on every instance
 * then wait a full interval: a callback adds at most one GET per interval to the cadence.
 */
export async function refreshTaskNow(id: string): Promise<TaskView | null> {
  const record = await findTask(id);
  if (!record) return null;
  if (finished(record)) return toTaskView(record);
  const now = Date.now();
  const last = refreshedNowAt.get(id);
  if (last !== undefined && now - last < config().pollIntervalMs) return refreshTask(id);
  // Claimed before the first await, so parallel callers see it.
  forgetStaleNowRefreshes(now);
  refreshedNowAt.set(id, now);
  await refreshing.get(id)?.catch(() => undefined);
  const latest = await findTask(id);
  if (!latest) return null;
  if (finished(latest)) return toTaskView(latest);
  return toTaskView(await sharedPoll(latest, true));
}

/** Entries older than an interval no longer limit anything; dropping them keeps the map to recent tasks. */
function forgetStaleNowRefreshes(now: number): void {
  const interval = config().pollIntervalMs;
  for (const [id, at] of refreshedNowAt) if (now - at >= interval) refreshedNowAt.delete(id);
}

function sharedPoll(record: TaskRecord, force = false): Promise<TaskRecord> {
  let inFlight = refreshing.get(record.id);
  if (!inFlight) {
    inFlight = pollIfClaimed(record, force).finally(() => refreshing.delete(record.id));
    refreshing.set(record.id, inFlight);
  }
  return inFlight;
}

/** Asks the upstream when this instance wins the task's poll slot (or takes it: `force`), else reads the stored row. */
async function pollIfClaimed(record: TaskRecord, force: boolean): Promise<TaskRecord> {
  const interval = config().pollIntervalMs;
  if (force) await takePollSlot(record.id, interval);
  else if (!(await claimPollSlot(record.id, interval))) return (await findTask(record.id)) ?? record;
  return pollUpstream(record);
}

function finished(record: TaskRecord): boolean {
  return Boolean(record.error) || isTerminal(phaseOf(record.upstreamStatus));
}

function intervalElapsed(record: TaskRecord): boolean {
  return record.polledAt === null || Date.now() - record.polledAt >= config().pollIntervalMs;
}

async function pollUpstream(record: TaskRecord): Promise<TaskRecord> {
  const startedAt = Date.now();
  try {
    const upstream = await getTask(record.id);
    const updated = await updateTask(record.id, {
      upstreamStatus: upstream.status,
      progress: upstream.status === "completed" ? 100 : upstream.progress,
      estimatedSeconds: upstream.estimatedSeconds ?? record.estimatedSeconds,
      creditsReserved: upstream.creditsReserved ?? record.creditsReserved,
      resultUrl: upstream.resultUrl ?? record.resultUrl,
      error: taskError(upstream),
      polledAt: startedAt,
    });
    if (updated && upstream.status === "completed" && !updated.error) globalForTasks.__onCompleted?.(updated);
    return updated ?? record;
  } catch (error) {
    // The upstream forgot the task (expired or never existed there): that ends it for good.
    if (error instanceof UpstreamError && (error.code === "task_not_found" || error.code === "resource_not_found")) {
      return (
        (await updateTask(record.id, {
          upstreamStatus: "failed",
          error: upstreamFailure(error.code, error.upstreamMessage),
          polledAt: startedAt,
        })) ?? record
      );
    }
    await updateTask(record.id, { polledAt: startedAt });
    throw error;
  }
}

function taskError(upstream: UpstreamTask): TaskView["error"] {
  const phase = phaseOf(upstream.status);
  if (phase === "completed" && !upstream.resultUrl) {
    return studioError("upstream_malformed", "The task completed without a result URL.");
  }
  return phase === "failed" ? taskFailure(upstream) : null;
}

async function usedElements(record: TaskRecord): Promise<TaskView["elements"]> {
  if (record.elements.length === 0) return [];
  const kept = await existingElementIds(record.elements.map((element) => element.id));
  return record.elements.map((element) => ({ ...element, deleted: !kept.has(element.id) }));
}

export async function toTaskView(record: TaskRecord): Promise<TaskView> {
  const settings = config();
  // A result that expired upstream before it was archived is a failure to the person looking at it.
  // Stored texts are scrubbed again on the way out: rows written before scrubbing existed may hold a secret.
  const error = record.error
    ? scrubSecretsDeep(record.error)
    : record.archiveState === "expired"
      ? studioError("result_expired")
      : null;
  const phase = error ? "failed" : phaseOf(record.upstreamStatus);
  const playable = phase === "completed";
  const { request } = record;
  const uploads = await findUploads([request.videoUrl, ...request.imageUrls]);
  const kept = keptReferenceUrls(record);
  const reference = (url: string, kind: "video" | "image", index: number) => {
    const upload = uploads.get(url);
    return {
      url,
      kind,
      name: upload?.originalName ?? null,
      expiresAt: upload?.expiresAt ?? null,
      kept: kept[index] ?? null,
    };
  };
  return {
    id: record.id,
    phase,
    upstreamStatus: record.upstreamStatus,
    progress: record.progress,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    estimatedSeconds: record.estimatedSeconds,
    reservedCredits: record.creditsReserved === null ? null : reservedCredits(record.creditsReserved),
    prompt: request.prompt,
    duration: request.duration,
    aspectRatio: request.aspectRatio,
    quality: request.quality,
    request,
    references: [
      reference(request.videoUrl, "video", 0),
      ...request.imageUrls.map((url, index) => reference(url, "image", index + 1)),
    ],
    elements: await usedElements(record),
    watermark: request.watermark ?? null,
    error,
    archive: { state: record.archiveState, error: record.archiveError && scrubSecrets(record.archiveError) },
    previewUrl: playable ? `/api/tasks/${record.id}/video` : null,
    downloadUrl: playable ? `/api/tasks/${record.id}/video?download=1` : null,
    pollAfterMs: nextPollAfterMs(record.polledAt, settings.pollIntervalMs, settings.publicBaseUrl !== null),
    pollIntervalMs: settings.pollIntervalMs,
    starred: record.starred,
    posterUrl: record.posterState === "ready" ? `/api/tasks/${record.id}/poster?v=${record.posterAttempts}` : null,
    variant: record.variant && { ...record.variant, failed: await failedSlots(record.variant.groupId) },
    referenceVideo: {
      state: record.referenceState,
      url: record.referenceState === "archived" ? `/api/tasks/${record.id}/reference` : null,
    },
  };
}

/** The same-origin URLs of a task's kept references, in request order (the video first); null for one not kept. */
function keptReferenceUrls(record: TaskRecord): Array<ReferenceInfo["kept"]> {
  const base = `/api/tasks/${record.id}/reference`;
  const video =
    record.referenceState === "archived"
      ? { url: base, thumbnailUrl: record.keptReferences?.videoThumbnail ? `${base}/video?thumbnail=1` : null }
      : null;
  const images = (record.keptReferences?.images ?? []).map((image, index) =>
    image.state === "archived"
      ? {
          url: `${base}/image-${index + 1}`,
          thumbnailUrl: image.thumbnail ? `${base}/image-${index + 1}?thumbnail=1` : null,
        }
      : null,
  );
  return [video, ...record.request.imageUrls.map((_, index) => images[index] ?? null)];
}
