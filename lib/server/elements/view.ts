import "server-only";
import type { ElementView } from "../../elements/view";
import { nextPollAfterMs } from "../../tasks/polling";
import { config } from "../config";
import { scrubSecretsDeep } from "../scrub-secrets";
import type { ElementRecord } from "../store/elements";

/** What the browser sees of an element: a claimed but unanswered create counts as being created. */
export function toElementView(record: ElementRecord): ElementView {
  const settings = config();
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    frontalImageUrl: record.frontalImageUrl,
    extraImageUrls: record.extraImageUrls,
    thumbnail: record.thumbnail,
    status: record.state === "sending" ? "creating" : record.state,
    progress: record.state === "ready" ? 100 : record.progress,
    estimatedSeconds: record.estimatedSeconds,
    elementId: record.state === "ready" ? record.elementId : null,
    error: record.error && scrubSecretsDeep(record.error),
    taskId: record.taskId,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    pollAfterMs: nextPollAfterMs(record.polledAt, settings.pollIntervalMs, false),
    pollIntervalMs: settings.pollIntervalMs,
  };
}
