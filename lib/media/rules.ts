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
