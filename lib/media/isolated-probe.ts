import "server-only";
import { open } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import { MediaProbeError } from "./probe";
import type { ProbeReply, ProbeRequest } from "./probe-worker";
import type { VideoFacts } from "./rules";

/**
 * Bounds for probing an untrusted upload. A real clip's probe takes well under a second and a few MB;
 * these leave wide room for that while a crafted file can cost at most this much.
 */
export const PROBE_LIMITS = {
  /** Wall-clock time for one probe, after which its worker is terminated. */
  timeoutMs: 10_000,
  /** The worker's old-generation heap; the demuxer's tables for the largest accepted index fit easily. */
  maxHeapMb: 192,
  /** Probes running at once: each may take a core and its heap. */
  concurrency: 2,
  /** Probes waiting for a slot; more are refused at once as busy. */
  maxWaiting: 16,
  /** How long a probe waits for a slot before it is refused as busy. */
  maxWaitMs: 15_000,
};

export type ProbeLimits = typeof PROBE_LIMITS;

const EXPORT_AGAIN = "Export it again with a standard encoder (for example H.264 in MP4) and upload it again.";

/**
 * Probes a video file in a worker thread with a heap limit and a time limit, at most `concurrency` at
 * a time, so a file that makes the demuxer allocate without bound or spin kills only its worker. A
 * worker that runs out of memory or time, or dies, is a MediaProbeError of kind `limit`; no free slot
 * within maxWaitMs is kind `busy`.
 */
export async function probeVideoIsolated(filePath: string, sizeBytes: number, limits: ProbeLimits = PROBE_LIMITS): Promise<VideoFacts> {
  const release = await slots().acquire(limits);
  try {
    // This thread owns the descriptor, so a worker killed mid-read cannot leak it.
    const handle = await open(filePath, "r");
    try {
      return await runWorker({ fd: handle.fd, sizeBytes }, limits);
    } finally {
      await handle.close();
    }
  } finally {
    release();
  }
}

/** Answers once the worker has exited (so nothing still reads the descriptor), with its reply or the limit it hit. */
function runWorker(request: ProbeRequest, limits: ProbeLimits): Promise<VideoFacts> {
  // In the Next app the bundler compiles the worker into its own chunk (and sets NEXT_RUNTIME); run from
  // source (unit tests, tsx) it is TypeScript and needs tsx's loader.
  const fromSource = !process.env.NEXT_RUNTIME;
  const worker = new Worker(new URL("./probe-worker.ts", import.meta.url), {
    workerData: request,
    resourceLimits: { maxOldGenerationSizeMb: limits.maxHeapMb, maxYoungGenerationSizeMb: 16 },
    ...(fromSource ? { execArgv: ["--require", "tsx/cjs"] } : {}),
  });
  return new Promise<VideoFacts>((resolve, reject) => {
    let outcome: (() => void) | null = null;
    const settle = (then: () => void) => {
      if (outcome) return;
      outcome = then;
      clearTimeout(timer);
      void worker.terminate();
    };
    const limit = (message: string) => settle(() => reject(new MediaProbeError(`${message} ${EXPORT_AGAIN}`, "limit")));
    const timer = setTimeout(
      () => limit(`Checking this video took longer than ${limits.timeoutMs / 1000} s, far longer than a real clip needs: it is damaged or crafted.`),
      limits.timeoutMs,
    );
    worker.once("message", (reply: ProbeReply) =>
      settle(() => (reply.ok ? resolve(reply.facts) : reject(new MediaProbeError(reply.message, reply.kind)))),
    );
    worker.once("error", (error: Error & { code?: string }) =>
      limit(
        error.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? `Checking this video needed more than ${limits.maxHeapMb} MB of memory, far more than a real clip needs: it is damaged or crafted.`
          : "The check of this video stopped before it could read the file.",
      ),
    );
    worker.once("exit", () => {
      limit("The check of this video stopped before it could read the file.");
      outcome?.();
    });
  });
}

/** A counting semaphore with a bounded, timed queue. */
class Slots {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  async acquire(limits: ProbeLimits): Promise<() => void> {
    if (this.running < limits.concurrency) {
      this.running += 1;
      return once(() => this.release());
    }
    if (this.waiting.length >= limits.maxWaiting) throw busy();
    await new Promise<void>((resolve, reject) => {
      const start = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(start), 1);
        reject(busy());
      }, limits.maxWaitMs);
      this.waiting.push(start);
    });
    // The slot was handed over by release(), so `running` already counts this probe.
    return once(() => this.release());
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}

const busy = () => new MediaProbeError("The studio is checking other videos right now.", "busy");

function once(action: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    action();
  };
}

// One set of slots per process, even if the bundler loads this module in several route chunks.
const globalForProbe = globalThis as typeof globalThis & { __probeSlots?: Slots };
const slots = () => (globalForProbe.__probeSlots ??= new Slots());
