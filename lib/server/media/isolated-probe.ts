import "server-only";
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import { checkVideoStructure, factsFrom, MediaProbeError } from "../../media/probe";
import type { VideoFacts } from "../../media/rules";
import type { DemuxResult } from "../../media/video-facts.mjs";

/**
 * Bounds for probing an untrusted upload. A real clip's probe takes well under a second and a few MB;
 * these leave wide room for that while a crafted file can cost at most this much.
 */
export const PROBE_LIMITS = {
  /** Wall-clock time for one probe, after which its process is killed. */
  timeoutMs: 10_000,
  /** The child's V8 heap; the demuxer's tables for the largest index the box check lets through fit easily. */
  maxHeapMb: 192,
  /** Probes running at once: each may take a core and its heap. */
  concurrency: 2,
  /** Probes waiting for a slot (as many as uploads may run at once); more are refused at once as busy. */
  maxWaiting: 64,
  /** How long a probe waits for a slot before it is refused as busy. */
  maxWaitMs: 15_000,
};

export type ProbeLimits = typeof PROBE_LIMITS;

const EXPORT_AGAIN = "Export it again with a standard encoder (for example H.264 in MP4) and upload it again.";

/**
 * Probes an uploaded video: the type and the bounded box check in this process, then the demuxer in a
 * child process with its own heap limit, killed after timeoutMs, at most `concurrency` at a time. A child
 * process, not a worker thread: V8 aborts the whole process when one isolate's heap limit is hit while an
 * array grows (the crafted `stz2` does exactly that), and a worker shares the process. A child that runs
 * out of memory or time, or dies, is a MediaProbeError of kind `limit`; no free slot in time, `busy`.
 */
export async function probeVideoIsolated(
  filePath: string,
  sizeBytes: number,
  limits: ProbeLimits = PROBE_LIMITS,
): Promise<VideoFacts> {
  const release = await slots().acquire(limits);
  try {
    const { videoSamples } = await checkVideoStructure(filePath);
    return factsFrom(await demuxInChild(filePath, limits), videoSamples, sizeBytes);
  } finally {
    release();
  }
}

// A plain module node runs as it is, from the app's folder (where `npm start` runs); not a bundler input.
const childEntry = () =>
  path.join(/*turbopackIgnore: true*/ process.cwd(), "lib", "server", "media", "probe-child.mjs");

// One set of slots and one spare per process, even if the bundler loads this module in several route chunks.
const globalForProbe = globalThis as typeof globalThis & {
  __probeSlots?: Slots;
  __spareProbe?: { child: ChildProcess; maxHeapMb: number } | null;
};

// V8 ends a process whose heap is exhausted with abort() or a breakpoint trap, depending on where it failed.
const OUT_OF_MEMORY = new Set(["SIGABRT", "SIGTRAP"]);

/**
 * The demuxer alone in a child process (no box check first: probeVideoIsolated runs that). Answers once
 * the child has exited, with its reply, or rejects with the limit it hit.
 */
export function demuxInChild(filePath: string, limits: ProbeLimits): Promise<DemuxResult> {
  const child = takeChild(filePath, limits);
  return new Promise<DemuxResult>((resolve, reject) => {
    let reply: DemuxResult | null = null;
    let timedOut = false;
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new MediaProbeError(`${why} ${EXPORT_AGAIN}`, "limit"));
    };
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, limits.timeoutMs);
    child.once("message", (message: DemuxResult) => (reply = message));
    // A child that could not be started never exits.
    child.once("error", () => {
      child.kill("SIGKILL");
      fail("The check of this video could not be started.");
    });
    // "close", not "exit": under load the child can exit before its reply has been read from the channel.
    child.once("close", (code, signal) => {
      if (limits === PROBE_LIMITS) keepSpare();
      if (reply && !settled) {
        settled = true;
        clearTimeout(timer);
        return resolve(reply);
      }
      fail(
        timedOut
          ? `Checking this video took longer than ${limits.timeoutMs / 1000} s, far longer than a real clip needs: it is damaged or crafted.`
          : OUT_OF_MEMORY.has(signal ?? "") || code === 134 || code === 133
            ? `Checking this video needed more than ${limits.maxHeapMb} MB of memory, far more than a real clip needs: it is damaged or crafted.`
            : "The check of this video stopped before it could read the file.",
      );
    });
  });
}

function forkChild(limits: ProbeLimits, filePath?: string): ChildProcess {
  return fork(childEntry(), filePath ? [filePath] : [], {
    execArgv: [`--max-old-space-size=${limits.maxHeapMb}`],
    stdio: ["ignore", "ignore", "ignore", "ipc"],
    serialization: "json",
  });
}

/**
 * A child for one probe: the spare when there is one (forked after the previous probe, its demuxer already
 * loaded, so node's start-up is off the upload's path), else a new one. The spare serves only a probe with
 * the heap limit it was started with.
 */
function takeChild(filePath: string, limits: ProbeLimits): ChildProcess {
  const spare = globalForProbe.__spareProbe;
  globalForProbe.__spareProbe = null;
  const child = spare?.child;
  const usable = child?.connected && child.exitCode === null && child.signalCode === null;
  if (child && usable && spare.maxHeapMb === limits.maxHeapMb) {
    child.ref();
    child.channel?.ref();
    child.send({ filePath });
    return child;
  }
  child?.kill("SIGKILL");
  return forkChild(limits, filePath);
}

/** Forks the next spare once a probe's child is gone, so at most one waits and it never runs beside its predecessor. */
function keepSpare(): void {
  if (globalForProbe.__spareProbe) return;
  const spare = forkChild(PROBE_LIMITS);
  // An idle spare keeps neither the server nor a test process alive.
  spare.unref();
  spare.channel?.unref();
  const kept = { child: spare, maxHeapMb: PROBE_LIMITS.maxHeapMb };
  spare.once("exit", () => {
    if (globalForProbe.__spareProbe === kept) globalForProbe.__spareProbe = null;
  });
  spare.once("error", () => spare.kill("SIGKILL"));
  globalForProbe.__spareProbe = kept;
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

const slots = () => (globalForProbe.__probeSlots ??= new Slots());
