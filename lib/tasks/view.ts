import type { TaskPhase } from "../evolink/contract";
import type { StudioErrorBody } from "../errors";
import type { AspectRatio, Quality } from "../evolink/contract";
import type { GenerationRequest } from "../generation/schema";
import type { UsedElementView } from "../elements/view";

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
  /** The studio's own copy, kept with the result (same-origin URLs), so it outlives the link; null until kept. */
  kept: { url: string; thumbnailUrl: string | null } | null;
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
  /** The library elements it used, in token order, each marked when deleted from the library since. */
  elements: UsedElementView[];
  /** Whether it asked for a watermark; null for entries from before the setting existed. */
  watermark: boolean | null;
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
  /** Starred by the person (the Starred filter). */
  starred: boolean;
  /** A JPEG frame of the result (`/api/tasks/{id}/poster?v=<n>`, cacheable forever) once made; null meanwhile. */
  posterUrl: string | null;
  /** Which take of a multi-take Generate this is, and the group's takes that made no task (refused or unknown). */
  variant: {
    groupId: string;
    index: number;
    count: number;
    failed: Array<{ index: number; error: StudioErrorBody | null }>;
  } | null;
  /** The reference video's own copy, kept with the result for the compare view (`url` once archived). */
  referenceVideo: { state: "none" | "archived" | "gone" | "failed"; url: string | null };
}

/** One take of a multi-take Generate: its task, or why none was made. */
export interface VariantTake {
  index: number;
  task: TaskView | null;
  error: StudioErrorBody | null;
}

/** `POST /api/generations` with variants > 1: the group's takes in order. */
export interface VariantGroupAnswer {
  groupId: string;
  takes: VariantTake[];
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

/** The status filter: `running` is every unfinished phase (queued or generating). */
export const HISTORY_STATUSES = ["all", "running", "completed", "failed"] as const;
export type HistoryStatus = (typeof HISTORY_STATUSES)[number];
export const HISTORY_SORTS = ["newest", "oldest"] as const;
export type HistorySort = (typeof HISTORY_SORTS)[number];

/** Entries per status and starred, under the current search and star filter (not the status filter). */
export interface HistoryCounts {
  all: number;
  running: number;
  completed: number;
  failed: number;
  starred: number;
}

/** One page of `GET /api/tasks` (limit, cursor, status, q, starred, sort). */
export interface HistoryPage extends HistoryView {
  /** Pass as `cursor` (with the same filter and sort) for the next page; null on the last one. */
  nextCursor: string | null;
  counts: HistoryCounts;
  /** Pass as `since` (with the same filter) to learn what changed after this answer. */
  since: string;
}

/** `GET /api/tasks?since=…`: what changed after the token, for the same filter. */
export interface HistoryChanges {
  /** Entries the filter shows that changed (new ones included); each replaces the one with its id. */
  changed: TaskView[];
  /** Ids to drop from the list: deleted, or changed so the filter no longer shows them. */
  deleted: string[];
  counts: HistoryCounts;
  since: string;
  unknownSubmissions: UnknownSubmissionView[];
}

/** `POST /api/tasks/bulk-delete`. */
export interface BulkDeleteResult {
  deleted: string[];
  skippedRunning: Array<{ id: string; prompt: string }>;
  notFound: string[];
}

/** Most entries one request may name or one list page may hold. */
export const HISTORY_LIMITS = { pageDefault: 50, pageMax: 100, searchMaxChars: 500, bulkMax: 1000, zipMax: 500 };
