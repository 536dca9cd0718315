import type { BenchConfig } from "../config";
import type { VideoFacts } from "../lib/media";

export interface BenchContext {
  config: BenchConfig;
  repoRoot: string;
  runDir: string;
  video: VideoFacts;
  log: (line: string) => void;
}
