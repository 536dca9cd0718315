/**
 * A browser-equivalent task poller: like React Query's refetchInterval (what the studio page uses), it
 * asks at a fixed rate, skips a tick while the previous request is still in flight, and keeps one
 * keep-alive connection (one browser). With `followPollAfter`, it instead asks again `pollAfterMs`
 * (from each answer) after the answer arrived, as the studio page's task hook does.
 */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { request, type Reply } from "./http";

export interface PollSample {
  /** performance.now() when the request was sent. */
  sentAt: number;
  latencyMs: number;
  status: number;
  /** Date.now() when the answer was complete (comparable with the simulator's clock). */
  wallEndedAt: number;
}

export class Poller {
  readonly samples: PollSample[] = [];
  /** Answers other than 200, plus requests that failed outright. */
  errors = 0;
  /** Requests that got no answer (connection error, timeout). */
  failures = 0;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  private timer: NodeJS.Timeout | null = null;
  private starter: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    private readonly intervalMs: number,
    private readonly headers: Record<string, string>,
    /** Sees every answer; returning true stops the poller. */
    private readonly onReply: (reply: Reply, sample: PollSample) => boolean | void = () => undefined,
    private readonly followPollAfter = false,
  ) {}

  /** First request after `firstDelayMs`, then one every interval. */
  start(firstDelayMs: number): this {
    this.starter = setTimeout(
      () => {
        this.tick();
        if (!this.followPollAfter) this.timer = setInterval(() => this.tick(), this.intervalMs);
      },
      Math.max(0, firstDelayMs),
    );
    return this;
  }

  private scheduleAfter(reply: Reply): void {
    let delay = this.intervalMs;
    try {
      const hint = (JSON.parse(reply.body.toString("utf8")) as { pollAfterMs?: unknown }).pollAfterMs;
      if (typeof hint === "number" && hint >= 0) delay = hint;
    } catch {
      // Not JSON: keep the fixed interval.
    }
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    if (this.stopped || this.inFlight) return;
    const sentAt = performance.now();
    this.inFlight = request(this.url, { headers: this.headers, agent: this.agent, timeoutMs: 30_000 })
      .then((reply) => {
        const sample: PollSample = { sentAt, latencyMs: reply.ms, status: reply.status, wallEndedAt: Date.now() };
        this.samples.push(sample);
        if (reply.status !== 200) this.errors += 1;
        if (!this.stopped && this.onReply(reply, sample) === true) void this.stop();
        else if (this.followPollAfter && !this.stopped) this.scheduleAfter(reply);
      })
      .catch(() => {
        this.errors += 1;
        this.failures += 1;
        if (this.followPollAfter && !this.stopped) this.timer = setTimeout(() => this.tick(), this.intervalMs);
      })
      .finally(() => {
        this.inFlight = null;
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.starter) clearTimeout(this.starter);
    if (this.timer) clearTimeout(this.timer);
    await this.inFlight;
    this.agent.destroy();
  }

  get isStopped(): boolean {
    return this.stopped;
  }
}
