import { formatBytes, IMAGE_RULES, VIDEO_RULES, type ImageFacts, type VideoFacts } from "./rules";
import { aspectLabel } from "./aspect";

// The checks of a chosen file against the rules, apart from the rules' texts: the first screen shows the
// texts, and the checks load with the file checker when a file is chosen (and on the server).

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
    problems.push(
      `The image's aspect ratio is ${aspectLabel(facts.width, facts.height)} (${facts.width}×${facts.height}); it must be between 1:2.5 and 2.5:1.`,
    );
  }
  return problems;
}
