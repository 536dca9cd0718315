import type { ErrorCode } from "../errors";

/**
 * What Evolink defines for kling-o3-reference-to-video, said once (CONTRACT.md explains each fact, its source
 * and the defences where it is unknown). No dependencies: the browser, the server and the simulator all read it.
 */

export const MODEL = "kling-o3-reference-to-video";

/** The create request's limits (CONTRACT.md, "The create request"). */
export const LIMITS = {
  promptMaxChars: 2500,
  durationMin: 3,
  durationMax: 10,
  durationDefault: 5,
  /** Images and elements together, when a reference video is given. */
  maxReferenceImages: 4,
  urlMaxChars: 2048,
} as const;

export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export const QUALITIES = ["720p", "1080p"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];
export type Quality = (typeof QUALITIES)[number];

/** The reference video the model accepts. */
export const VIDEO_LIMITS = {
  containers: ["mp4", "mov"] as const,
  apiMaxBytes: 200 * 1024 * 1024,
  minDurationSeconds: 3,
  minSidePx: 720,
  maxSidePx: 2160,
  minFps: 24,
  maxFps: 60,
} as const;

/** Reference images (CONTRACT.md, "The create request": the image rules of the sibling pages). */
export const IMAGE_LIMITS = {
  types: ["jpg", "png", "webp", "gif"] as const,
  maxBytes: 10 * 1024 * 1024,
  minSidePx: 300,
  minAspect: 1 / 2.5,
  maxAspect: 2.5,
} as const;

/** The file service (CONTRACT.md, "File service"): the cap Evolink's own client gives, and the files' lifetime. */
export const FILE_SERVICE = {
  uploadCapBytes: 100 * 1024 * 1024,
  lifetimeHours: 72,
} as const;

/** `task-unified-<unix seconds>-<8 lowercase letters or digits>` (CONTRACT.md, "The create answer and the task-id format"). */
export const TASK_ID_PATTERN = /^task-unified-\d{1,12}-[a-z0-9]{8}$/;

/** What a person sees of a task's status. */
export type TaskPhase = "queued" | "generating" | "completed" | "failed";

/**
 * The statuses of a task still running (CONTRACT.md, "Task statuses"). Everything else is terminal: `completed`,
 * or a failure whatever it is called, so a status nobody has seen can never keep a task polling forever.
 */
export const LIVE_STATUSES: Readonly<Record<string, TaskPhase>> = {
  pending: "queued",
  queued: "queued",
  processing: "generating",
  running: "generating",
};

export function phaseOf(upstreamStatus: string): TaskPhase {
  if (upstreamStatus === "completed") return "completed";
  return Object.hasOwn(LIVE_STATUSES, upstreamStatus) ? LIVE_STATUSES[upstreamStatus]! : "failed";
}

export function isTerminal(phase: TaskPhase): boolean {
  return phase === "completed" || phase === "failed";
}

/** Results live 24 h; a link answering one of these has expired (CONTRACT.md, "The task answer"). */
export const RESULT_LINK_GONE_STATUSES: ReadonlySet<number> = new Set([401, 403, 404, 410]);

/** The upstream is busy, not broken: polling goes on, more slowly (CONTRACT.md, "Errors"). */
export const CAPACITY_CODES: ReadonlySet<string> = new Set([
  "rate_limit_exceeded",
  "rate_limited",
  "service_unavailable",
  "resource_exhausted",
  "too_many_requests",
]);

/**
 * Legacy envelopes carry the HTTP status as an integer code; the file service uses five-digit codes
 * (CONTRACT.md, "Errors" and "File service").
 */
export const NUMERIC_ERROR_CODES: Readonly<Record<number, ErrorCode>> = {
  40001: "file_too_large",
  40002: "file_type_not_allowed",
  40003: "file_quota_exceeded",
  40004: "file_download_failed",
  50001: "storage_error",
  400: "invalid_request",
  401: "unauthorized",
  402: "insufficient_quota",
  403: "model_access_denied",
  404: "task_not_found",
  413: "request_too_large",
  429: "rate_limit_exceeded",
  500: "internal_error",
  502: "upstream_error",
  503: "service_unavailable",
  504: "upstream_timeout",
};

/** Billed per output second (CONTRACT.md, "Prices"). */
export const PRICE_PER_SECOND: Readonly<Record<Quality, { credits: number; usd: number }>> = {
  "720p": { credits: 8.1, usd: 0.112 },
  "1080p": { credits: 10.8054, usd: 0.15 },
};

/** 1 credit = 10,000 UC; some answers report `credits_reserved` in UC. */
export const UC_PER_CREDIT = 10_000;

/** Reference tokens inside the prompt, 1-based (CONTRACT.md, "Reference tokens"). */
export const TOKEN_PATTERN = /<<<([^<>]*)>>>/g;
export const videoToken = () => "<<<video_1>>>";
export const imageToken = (n: number) => `<<<image_${n}>>>`;
export const elementToken = (n: number) => `<<<element_${n}>>>`;

/** What Evolink accepts as a `callback_url` (CONTRACT.md, "Callbacks"). */
export const CALLBACK_RULES = { protocol: "https:", maxUrlChars: 2048 } as const;
