import type { TaskPhase } from "../evolink/contract";
import type { StudioErrorBody } from "../errors";
import type { AspectRatio, Quality } from "../evolink/contract";
import type { GenerationRequest } from "../generation/schema";

export const PHASE_LABEL: Record<TaskPhase, string> = {
  queued: "Queued",
  generating: "Generating",
  completed: "Completed",
  failed: "Failed",
};

export interface ReferenceInfo {
  url: string;
  kind: "video" | "image";
  name: string | null;
  expiresAt: string | null;
}

export interface TaskView {
  id: string;
  phase: TaskPhase;
  upstreamStatus: string;
  progress: number;
  createdAt: number;
  updatedAt: number;
  estimatedSeconds: number | null;
  reservedCredits: number | null;
  prompt: string;
  duration: number;
  aspectRatio: AspectRatio;
  quality: Quality;
  /** The full request, for "Use these settings". */
  request: GenerationRequest;
  /** The request's references, with the upload's name and expiry when this studio uploaded them. */
  references: ReferenceInfo[];
  error: StudioErrorBody | null;
  /** Whether the result has been copied into this instance's own storage. */
  archive: { state: "none" | "archived" | "failed" | "expired"; error: string | null };
  /** Same-origin URLs of the studio's own streaming route; present once completed. */
  previewUrl: string | null;
  downloadUrl: string | null;
  /** How long the browser should wait before asking again (timed to land just after the next refresh). */
  pollAfterMs: number;
  /** How often this server refreshes a running task from the upstream. */
  pollIntervalMs: number;
}

/** A submission whose outcome nobody knows: Evolink never confirmed or refused it. */
export interface UnknownSubmissionView {
  key: string;
  prompt: string;
  createdAt: number;
  /** `interrupted`: the studio stopped while sending it; `no_answer`: the create timed out or its connection dropped. */
  cause: "interrupted" | "no_answer";
}

export interface HistoryView {
  tasks: TaskView[];
  unknownSubmissions: UnknownSubmissionView[];
}
