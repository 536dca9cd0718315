import { FILE_SERVICE, IMAGE_LIMITS, LIMITS, VIDEO_LIMITS } from "../evolink/contract";

/**
 * The reference-media rule set (CONTRACT.md, "The create request"), shared by the browser's pre-flight checks,
 * the upload route and the simulator. Each rule names itself and the file's value when it fails.
 */
export const VIDEO_RULES = {
  ...VIDEO_LIMITS,
  /** A sanity bound, not the model's: the longest file the studio will check at all. */
  maxDurationSeconds: 60 * 60,
  /**
   * Frames per second over the whole file, at least: a duration longer than frameCount / 1 s is one the
   * file cannot hold (a damaged or crafted time table), whatever its first frames' rate says.
   */
  minAverageFps: 1,
} as const;

export const IMAGE_RULES = IMAGE_LIMITS;

/** Default cap for video uploads through the file service; larger videos can still be given as a URL. */
export const DEFAULT_VIDEO_UPLOAD_MAX_BYTES = FILE_SERVICE.uploadCapBytes;

export type VideoContainer = (typeof VIDEO_RULES.containers)[number];
export type ImageType = (typeof IMAGE_RULES.types)[number];

export interface VideoFacts {
  container: VideoContainer;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
  /** Frames in the video track, from its sample table. */
  frameCount: number;
  sizeBytes: number;
  codec: string | null;
}

export interface ImageFacts {
  type: ImageType;
  width: number;
  height: number;
  sizeBytes: number;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} kB`;
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** The video rules in one line, as the drop zone shows them: from the contract, never retyped. */
export function videoRulesLine(uploadMaxBytes: number): string {
  const v = VIDEO_RULES;
  return `≥ ${v.minDurationSeconds} s · ${v.minSidePx}–${v.maxSidePx} px per side · ${v.minFps}–${v.maxFps} fps · upload up to ${formatBytes(uploadMaxBytes)}`;
}

/** The image rules in one line, as the drop zone shows them. */
export function imageRulesLine(): string {
  const i = IMAGE_RULES;
  return `Up to ${LIMITS.maxReferenceImages} · ≤ ${formatBytes(i.maxBytes)} · each side ≥ ${i.minSidePx} px · aspect 1:${i.maxAspect} to ${i.maxAspect}:1`;
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function formatDuration(seconds: number): string {
  return seconds < 2 * 3600
    ? `${Math.round(seconds).toLocaleString("en")} s`
    : `${Math.round(seconds / 3600).toLocaleString("en")} hours`;
}

export function videoProblems(facts: VideoFacts, maxBytes: number): string[] {
  const problems: string[] = [];
  if (facts.sizeBytes > maxBytes) {
    problems.push(`The video is ${formatBytes(facts.sizeBytes)}; uploads are limited to ${formatBytes(maxBytes)}.`);
  }
  if (facts.durationSeconds < VIDEO_RULES.minDurationSeconds) {
    problems.push(
      `The video is ${round1(facts.durationSeconds)} s long; it must be at least ${VIDEO_RULES.minDurationSeconds} s.`,
    );
  }
  if (facts.durationSeconds > VIDEO_RULES.maxDurationSeconds) {
    problems.push(
      `The video says it lasts ${formatDuration(facts.durationSeconds)}; the studio checks videos of at most 1 hour (3,600 s).`,
    );
  } else if (facts.durationSeconds > facts.frameCount / VIDEO_RULES.minAverageFps) {
    problems.push(
      `The video says it lasts ${round1(facts.durationSeconds)} s but holds only ${facts.frameCount} frames (fewer than one a second): its time table is damaged. Export it again.`,
    );
  }
  for (const [side, value] of [
    ["width", facts.width],
    ["height", facts.height],
  ] as const) {
    if (value < VIDEO_RULES.minSidePx || value > VIDEO_RULES.maxSidePx) {
      problems.push(
        `The video is ${facts.width}×${facts.height}; its ${side} must be within ${VIDEO_RULES.minSidePx}–${VIDEO_RULES.maxSidePx} px.`,
      );
    }
  }
  if (facts.fps < VIDEO_RULES.minFps - 0.5 || facts.fps > VIDEO_RULES.maxFps + 0.5) {
    problems.push(
      `The video runs at ${round1(facts.fps)} fps; the frame rate must be ${VIDEO_RULES.minFps}–${VIDEO_RULES.maxFps} fps.`,
    );
  }
  return problems;
}

export function imageProblems(facts: ImageFacts): string[] {
  const problems: string[] = [];
  if (facts.sizeBytes > IMAGE_RULES.maxBytes) {
    problems.push(
      `The image is ${formatBytes(facts.sizeBytes)}; images are limited to ${formatBytes(IMAGE_RULES.maxBytes)}.`,
    );
  }
  if (Math.min(facts.width, facts.height) < IMAGE_RULES.minSidePx) {
    problems.push(
      `The image is ${facts.width}×${facts.height}; each side must be at least ${IMAGE_RULES.minSidePx} px.`,
    );
  }
  const aspect = facts.width / facts.height;
  if (aspect < IMAGE_RULES.minAspect || aspect > IMAGE_RULES.maxAspect) {
    problems.push(`The image's aspect ratio is ${facts.width}:${facts.height}; it must be between 1:2.5 and 2.5:1.`);
  }
  return problems;
}
