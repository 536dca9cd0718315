/** Seconds left, from observed progress once there is some, else from the upstream's estimate. */
export function secondsLeft(input: {
  progress: number;
  elapsedSeconds: number;
  estimatedSeconds: number | null;
}): number | null {
  const { progress, elapsedSeconds, estimatedSeconds } = input;
  if (progress >= 5 && progress < 100 && elapsedSeconds > 0) {
    return Math.max(0, Math.round((elapsedSeconds * (100 - progress)) / progress));
  }
  if (estimatedSeconds !== null) return Math.max(0, Math.round(estimatedSeconds - elapsedSeconds));
  return null;
}

export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${String(seconds % 60).padStart(2, "0")}`;
}
