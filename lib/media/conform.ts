import { formatBytes, VIDEO_RULES, type VideoFacts } from "./rules";

/**
 * What the reference workbench can fix in the browser, and how: the pure part (no mediabunny), shared by the
 * chosen-video card (which offers "Fix it for me") and the workbench (which converts). Nothing here relaxes a
 * rule: a converted file is checked by videoProblems and, on upload, by the server, like any other.
 */

/**
 * The selection's length: at least the rules' minimum, at most the 10 s Kling's reference spec uses
 * (CONTRACT.md, "The create request": Evolink's own maximum is unknown, so a longer clip is trimmed, not refused).
 */
export const TRIM_LIMITS = { minSeconds: VIDEO_RULES.minDurationSeconds, maxSeconds: 10 } as const;

/** Part of the upload cap a conversion aims at, leaving room for the encoder's overshoot and the container. */
const SIZE_HEADROOM = 0.85;
/** Bits per pixel per frame above which H.264 gains nothing visible on a reference clip. */
const MAX_BITS_PER_PIXEL = 0.12;
const MIN_VIDEO_BITRATE = 250_000;

export interface TrimRange {
  start: number;
  end: number;
}

export type Fix = "downscale" | "upscale" | "fps-down" | "fps-up" | "trim" | "shrink";

const FIX_TEXT: Record<Fix, string> = {
  downscale: `scale it down to at most ${VIDEO_RULES.maxSidePx} px per side`,
  upscale: `scale it up to at least ${VIDEO_RULES.minSidePx} px per side`,
  "fps-down": `bring the frame rate down to ${VIDEO_RULES.maxFps} fps`,
  "fps-up": `bring the frame rate up to ${VIDEO_RULES.minFps} fps`,
  trim: `cut it to at most ${TRIM_LIMITS.maxSeconds} s`,
  shrink: "make the file fit the upload limit",
};

export const fixText = (fix: Fix): string => FIX_TEXT[fix];

export interface ConformNeeds {
  /** Rules the file breaks that a conversion fixes. */
  fixes: Fix[];
  /** Why nothing here can make this file usable (each says what to do instead). */
  blockers: string[];
}

const sideRatioLimit = VIDEO_RULES.maxSidePx / VIDEO_RULES.minSidePx;

/** Which rules a conversion would fix, and what no conversion can. */
export function conformNeeds(facts: VideoFacts, maxBytes: number): ConformNeeds {
  const blockers: string[] = [];
  if (facts.durationSeconds < TRIM_LIMITS.minSeconds) {
    blockers.push(
      `The clip is ${facts.durationSeconds.toFixed(1)} s long and must be at least ${TRIM_LIMITS.minSeconds} s: nothing here can add length. Choose a longer clip.`,
    );
  }
  if (
    facts.durationSeconds > VIDEO_RULES.maxDurationSeconds ||
    facts.durationSeconds > facts.frameCount / VIDEO_RULES.minAverageFps
  ) {
    blockers.push("The clip's time table is damaged, so it cannot be converted here. Export it again.");
  }
  const long = Math.max(facts.width, facts.height);
  const short = Math.min(facts.width, facts.height);
  if (long / short > sideRatioLimit) {
    blockers.push(
      `At ${facts.width}×${facts.height} no scaling fits both sides within ${VIDEO_RULES.minSidePx}–${VIDEO_RULES.maxSidePx} px. Crop it in an editor first.`,
    );
  }
  const fixes: Fix[] = [];
  if (long > VIDEO_RULES.maxSidePx) fixes.push("downscale");
  if (short < VIDEO_RULES.minSidePx) fixes.push("upscale");
  if (facts.fps > VIDEO_RULES.maxFps + 0.5) fixes.push("fps-down");
  if (facts.fps < VIDEO_RULES.minFps - 0.5) fixes.push("fps-up");
  if (facts.durationSeconds > TRIM_LIMITS.maxSeconds) fixes.push("trim");
  if (facts.sizeBytes > maxBytes) fixes.push("shrink");
  return { fixes, blockers };
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The first allowed stretch of the clip: from its start, as long as the limits allow. */
export function initialRange(durationSeconds: number): TrimRange {
  return { start: 0, end: Math.min(durationSeconds, TRIM_LIMITS.maxSeconds) };
}

/** Moves one handle to `value`, held so the selection stays within the clip and 3–10 s long. */
export function moveHandle(range: TrimRange, handle: keyof TrimRange, value: number, duration: number): TrimRange {
  const { minSeconds, maxSeconds } = TRIM_LIMITS;
  if (handle === "start") {
    return { start: clamp(value, Math.max(0, range.end - maxSeconds), range.end - minSeconds), end: range.end };
  }
  return {
    start: range.start,
    end: clamp(value, range.start + minSeconds, Math.min(duration, range.start + maxSeconds)),
  };
}

/** Whether the selection leaves part of the clip out (a cut is then a conversion of its own). */
export function isCut(range: TrimRange, duration: number): boolean {
  return range.start > 0.01 || range.end < duration - 0.01;
}

/** The output duration a selection suggests: its length in whole seconds, within the generation's 3–10. */
export function suggestedDuration(range: TrimRange): number {
  return clamp(Math.round(range.end - range.start), TRIM_LIMITS.minSeconds, TRIM_LIMITS.maxSeconds);
}

export interface ConformTarget {
  width: number;
  height: number;
  /** Frames per second of the output; null keeps the clip's own rate. */
  frameRate: number | null;
  videoBitrate: number;
  range: TrimRange;
  upscaled: boolean;
}

/** H.264 wants even sides; the result stays within the rules' range. */
const evenSide = (value: number) =>
  clamp(2 * Math.round(value / 2), VIDEO_RULES.minSidePx, VIDEO_RULES.maxSidePx - (VIDEO_RULES.maxSidePx % 2));

/**
 * The output of a conversion: scaled to fit 720–2160 px per side with the aspect kept, the frame rate within
 * 24–60, cut to `range`, and a video bitrate that lands the whole file (with `audioBitrate` of sound) under
 * `maxBytes`, no higher than the picture can use.
 */
export function conformTarget(
  facts: VideoFacts,
  range: TrimRange,
  maxBytes: number,
  audioBitrate: number,
): ConformTarget {
  const long = Math.max(facts.width, facts.height);
  const short = Math.min(facts.width, facts.height);
  let scale = 1;
  if (long > VIDEO_RULES.maxSidePx) scale = VIDEO_RULES.maxSidePx / long;
  if (short * scale < VIDEO_RULES.minSidePx) scale = VIDEO_RULES.minSidePx / short;
  const width = scale === 1 ? facts.width : evenSide(facts.width * scale);
  const height = scale === 1 ? facts.height : evenSide(facts.height * scale);
  const outOfRange = facts.fps > VIDEO_RULES.maxFps + 0.5 || facts.fps < VIDEO_RULES.minFps - 0.5;
  const frameRate = outOfRange ? clamp(Math.round(facts.fps), VIDEO_RULES.minFps, VIDEO_RULES.maxFps) : null;
  const seconds = Math.max(range.end - range.start, 0.1);
  const budget = (maxBytes * 8 * SIZE_HEADROOM) / seconds - audioBitrate;
  const ceiling = width * height * (frameRate ?? facts.fps) * MAX_BITS_PER_PIXEL;
  const videoBitrate = Math.round(Math.max(MIN_VIDEO_BITRATE, Math.min(budget, ceiling)));
  return { width, height, frameRate, videoBitrate, range, upscaled: scale > 1 };
}

/** One line saying what the conversion makes, before it starts. */
export function targetLine(target: ConformTarget, fps: number): string {
  const length = target.range.end - target.range.start;
  const rate = `${Math.round((target.frameRate ?? fps) * 100) / 100} fps`;
  const size = formatBytes((target.videoBitrate * length) / 8);
  return `H.264 MP4 · ${target.width}×${target.height} · ${rate} · ${length.toFixed(1)} s · about ${size}`;
}

/** A number of seconds as m:ss.s, as the timeline shows times. */
export function formatClock(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return `${minutes}:${rest.toFixed(1).padStart(4, "0")}`;
}
