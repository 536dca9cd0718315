import type { Source } from "mediabunny";
import type { VideoFacts } from "./rules";

export type DemuxedFacts = Omit<VideoFacts, "frameCount" | "sizeBytes">;

/** `type`: not an MP4 or MOV by content; `no-track`: no readable video track; `error`: the demuxer failed. */
export type DemuxResult =
  { kind: "facts"; facts: DemuxedFacts } | { kind: "type" } | { kind: "no-track" } | { kind: "error" };

export function readVideoFacts(source: Source): Promise<Exclude<DemuxResult, { kind: "error" }>>;
