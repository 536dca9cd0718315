/**
 * The worker thread that probes one untrusted video (started by isolated-probe): whatever the file makes
 * the demuxer do, only this thread's heap and time are at stake. Answers one ProbeReply and ends.
 */
import { fstatSync, readSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { MediaProbeError, probeVideoBytes } from "./probe";
import type { VideoFacts } from "./rules";

export interface ProbeRequest {
  /** A descriptor the parent opened and closes once this thread has exited, however it ends. */
  fd: number;
  sizeBytes: number;
}

export type ProbeReply = { ok: true; facts: VideoFacts } | { ok: false; kind: MediaProbeError["kind"]; message: string };

const { fd, sizeBytes } = workerData as ProbeRequest;

// Synchronous reads: when the thread is terminated no read is still pending on the descriptor.
const read = async (offset: number, length: number) => {
  const buffer = new Uint8Array(length);
  return buffer.subarray(0, readSync(fd, buffer, 0, length, offset));
};

probeVideoBytes({ size: fstatSync(fd).size, read }, sizeBytes).then(
  (facts) => parentPort?.postMessage({ ok: true, facts } satisfies ProbeReply),
  (error: unknown) =>
    parentPort?.postMessage(
      (error instanceof MediaProbeError
        ? { ok: false, kind: error.kind, message: error.message }
        : { ok: false, kind: "unreadable", message: "The video could not be read. Export it again." }) satisfies ProbeReply,
    ),
);
