import { GENERATION_DEFAULTS } from "../../lib/generation/rules";
import { studioError } from "../../lib/errors";
import type { TaskPhase } from "../../lib/evolink/contract";
import type { TaskView } from "../../lib/tasks/view";

const UPSTREAM_STATUS: Record<TaskPhase, string> = {
  queued: "pending",
  generating: "processing",
  completed: "completed",
  failed: "failed",
};

/** A well-formed task id (TASK_ID_PATTERN) for a number; ids of equal width sort as their numbers do. */
export const viewTaskId = (n: number): string => `task-unified-${1_700_000_000 + n}-${n.toString(36).padStart(8, "0")}`;

/** A TaskView as `toTaskView` shapes it, for entry `n` created at `createdAt` (ms) in `phase`. */
export function taskView(n: number, overrides: Partial<TaskView> & { createdAt: number }): TaskView {
  const phase = overrides.phase ?? "completed";
  const id = overrides.id ?? viewTaskId(n);
  const done = phase === "completed";
  const prompt = `Generation ${n}: a slow dolly shot over <<<video_1>>> at dawn`;
  const request = { ...GENERATION_DEFAULTS, prompt, videoUrl: "https://media.example.com/a.mp4" };
  return {
    id,
    phase,
    upstreamStatus: UPSTREAM_STATUS[phase],
    progress: done ? 100 : phase === "generating" ? 40 : 0,
    updatedAt: overrides.createdAt + 45_000,
    estimatedSeconds: done ? null : 120,
    reservedCredits: 40.5,
    prompt,
    duration: request.duration,
    aspectRatio: request.aspectRatio,
    quality: request.quality,
    request,
    references: [{ url: request.videoUrl, kind: "video", name: null, expiresAt: null, kept: null }],
    elements: [],
    watermark: false,
    error: phase === "failed" ? studioError("content_policy_violation") : null,
    archive: { state: done ? "archived" : "none", error: null },
    previewUrl: done ? `/api/tasks/${id}/video` : null,
    downloadUrl: done ? `/api/tasks/${id}/video?download=1` : null,
    pollAfterMs: 5_000,
    pollIntervalMs: 5_000,
    starred: false,
    posterUrl: done ? `/api/tasks/${id}/poster?v=1` : null,
    variant: null,
    referenceVideo: { state: "none", url: null },
    ...overrides,
  };
}
