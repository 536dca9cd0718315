import type { SimulatorLog } from "./log";
import type { SimulatorOptions } from "./options";

type CallbackSettings = Pick<SimulatorOptions, "callbackTimeoutMs" | "callbackRetryDelaysMs" | "callbackTunnel">;

/**
 * Delivers task callbacks as the docs describe them (CONTRACT.md, "Callbacks"): a POST of the task body, a per-attempt
 * timeout, any 2xx counts as delivered, anything else is retried after each of the configured waits.
 * Every timer is unref'd and tracked, so clear() (reset, close) stops pending work and aborts attempts
 * in flight, and nothing here keeps a process alive.
 */
export class CallbackDispatcher {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<AbortController>();
  /** Bumped by clear(), so an attempt cut off by it neither logs nor retries. */
  private generation = 0;

  constructor(
    private readonly settings: CallbackSettings,
    private readonly log: SimulatorLog,
    private readonly now: () => number,
  ) {}

  /** Runs `task` after `ms` unless clear() comes first. */
  later(ms: number, task: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        task();
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.timers.add(timer);
  }

  /** Sends `body` to `url` now, and again after each wait while the receiver does not answer 2xx. */
  deliver(taskId: string, url: string, body: unknown): void {
    void this.attempt(taskId, url, JSON.stringify(body), 1);
  }

  clear(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.inFlight) controller.abort();
    this.inFlight.clear();
  }

  private async attempt(taskId: string, url: string, payload: string, attempt: number): Promise<void> {
    const generation = this.generation;
    const deliveredTo = this.route(url);
    const controller = new AbortController();
    this.inFlight.add(controller);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(deliveredTo, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: payload,
        redirect: "manual",
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(this.settings.callbackTimeoutMs)]),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (err) {
      error = describe(err, this.settings.callbackTimeoutMs);
    } finally {
      this.inFlight.delete(controller);
    }
    if (generation !== this.generation) return;
    this.log.recordCallback({ at: this.now(), taskId, url, deliveredTo, attempt, status, error });
    const delivered = status !== null && status >= 200 && status < 300;
    const wait = this.settings.callbackRetryDelaysMs[attempt - 1];
    if (!delivered && wait !== undefined) this.later(wait, () => void this.attempt(taskId, url, payload, attempt + 1));
  }

  /** The tunnel option swaps the https origin it names for a local one; every other URL goes as sent. */
  private route(url: string): string {
    const tunnel = this.settings.callbackTunnel;
    const target = new URL(url);
    if (!tunnel || target.origin !== tunnel.from) return url;
    // Concatenated, not resolved: a path starting with // must not become another host.
    return `${tunnel.to}${target.pathname}${target.search}`;
  }
}

function describe(err: unknown, timeoutMs: number): string {
  if (err instanceof DOMException && err.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}
