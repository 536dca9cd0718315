/**
 * The worker thread that probes one untrusted video (started by isolated-probe): whatever the file makes
 * the demuxer do, only this thread's heap and time are at stake. Answers one ProbeReply and ends.
 */
import { parentPort, workerData } from "node:worker_threads";
import { MediaProbeError, probeVideo } from "./probe";
import type { VideoFacts } from "./rules";

export interface ProbeRequest {
  filePath: string;
  sizeBytes: number;
}

export type ProbeReply = { ok: true; facts: VideoFacts } | { ok: false; kind: MediaProbeError["kind"]; message: string };

const { filePath, sizeBytes } = workerData as ProbeRequest;

probeVideo(filePath, sizeBytes).then(
  (facts) => parentPort?.postMessage({ ok: true, facts } satisfies ProbeReply),
  (error: unknown) =>
    parentPort?.postMessage(
      (error instanceof MediaProbeError
        ? { ok: false, kind: error.kind, message: error.message }
        : { ok: false, kind: "unreadable", message: "The video could not be read. Export it again." }) satisfies ProbeReply,
    ),
);
