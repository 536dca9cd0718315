/** Sizes, counts and durations of a full run and of the --quick run that keeps the script from rotting. */
import type { VideoSpec } from "./lib/media";

export interface BenchConfig {
  quick: boolean;
  /** Repetitions of every scenario (medians and min–max are over these). */
  reps: number;
  video: VideoSpec & { file: string; label: string };
  /** POLL_INTERVAL_MS for the studios (browsers poll at the pollAfterMs the studio returns). */
  pollIntervalMs: number;
  /** Simulator --task-seconds: how long a generation takes. */
  taskSeconds: number;
  rangeReads: number;
  fanInClients: number;
  fanInSeconds: number;
  completionTasksPerRep: number;
  generations: number;
  /** The whole run is killed (and fails) past this. */
  deadlineMs: number;
}

export function benchConfig(quick: boolean): BenchConfig {
  if (quick) {
    return {
      quick,
      reps: 2,
      video: {
        file: "reference-quick.mp4",
        label: "8 MB",
        width: 1280,
        height: 720,
        fps: 30,
        seconds: 4,
        bitrate: "16M",
      },
      pollIntervalMs: 1000,
      taskSeconds: 2,
      rangeReads: 20,
      fanInClients: 20,
      fanInSeconds: 4,
      completionTasksPerRep: 3,
      generations: 5,
      deadlineMs: 10 * 60_000,
    };
  }
  return {
    quick,
    reps: 3,
    // testsrc2 at a padded 80 Mbit/s; -fs stops it just under 200 MiB (the API's cap; ffmpeg overshoots
    // -fs by about 1.3 MB), about 21 s of video.
    video: {
      file: "reference-200mb.mp4",
      label: "200 MB",
      width: 1920,
      height: 1080,
      fps: 30,
      seconds: 30,
      bitrate: "80M",
      maxBytes: 207_500_000,
    },
    pollIntervalMs: 1000,
    taskSeconds: 4,
    rangeReads: 50,
    fanInClients: 100,
    fanInSeconds: 30,
    completionTasksPerRep: 6,
    generations: 20,
    deadlineMs: 40 * 60_000,
  };
}
