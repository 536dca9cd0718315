/**
 * Polling cadence, decided here and nowhere else: how often the studio asks Evolink about a running task,
 * how often browsers ask the studio, how both back off, when a task counts as stalled, and how often the
 * history refreshes. The server (lib/server/tasks/refresh.ts, background.ts, evolink/client.ts) and the
 * browser (lib/client/task.ts, history.ts, use-stall.ts) only apply these.
 */

/** The upstream interval: the docs poll every 5 s; the simulator moves faster, so demo mode asks every 1 s. */
export const UPSTREAM_POLL_DEFAULT_MS = { live: 5000, demo: 1000 } as const;

/** POLL_INTERVAL_MS when set, else the default for the mode. */
export function upstreamPollIntervalMs(configured: number | undefined, demo: boolean): number {
  return configured ?? (demo ? UPSTREAM_POLL_DEFAULT_MS.demo : UPSTREAM_POLL_DEFAULT_MS.live);
}

/** With callbacks on, the studio's copy of a task can change between upstream polls. */
const CALLBACK_BROWSER_POLL_MS = 2000;

/**
 * How often browsers ask the studio about a running task. Those answers come from the store unless the
 * upstream interval has passed, so with callbacks on browsers ask more often than the upstream is asked
 * and see a callback's news within a couple of seconds.
 */
export function browserPollMs(upstreamIntervalMs: number, callbacksOn: boolean): number {
  return callbacksOn ? Math.min(upstreamIntervalMs, CALLBACK_BROWSER_POLL_MS) : upstreamIntervalMs;
}

// Lands a browser's next poll just after the next upstream refresh is allowed, so the state it reads
// is never much older than one interval; the jitter keeps many tabs from arriving in one burst.
const REFRESH_SLACK_MS = { min: 20, spread: 40 };

/** When the browser should ask next about a task last polled upstream at `polledAt` (null: never). */
export function nextPollAfterMs(
  polledAt: number | null,
  upstreamIntervalMs: number,
  callbacksOn: boolean,
  now = Date.now(),
  random = Math.random(),
): number {
  const slack = REFRESH_SLACK_MS.min + random * REFRESH_SLACK_MS.spread;
  const refreshDueIn =
    polledAt === null
      ? upstreamIntervalMs
      : Math.min(upstreamIntervalMs, Math.max(0, polledAt + upstreamIntervalMs - now));
  return Math.round(Math.min(refreshDueIn, browserPollMs(upstreamIntervalMs, callbacksOn)) + slack);
}

/** A browser poll before the server has said anything about the cadence. */
export const BROWSER_FALLBACK_POLL_MS = 2000;
const BROWSER_MAX_BACKOFF_MS = 30_000;

/** After `failures` failed polls in a row: doubling from the server's interval, capped, with ±25 % jitter. */
export function browserRetryDelayMs(upstreamIntervalMs: number, failures: number, random = Math.random()): number {
  return Math.min(BROWSER_MAX_BACKOFF_MS, upstreamIntervalMs * 2 ** failures) * (0.75 + random * 0.5);
}

/** Long enough that normal upstream pacing never trips it: ten polls, and at least 20 s. */
export function stallThresholdMs(upstreamIntervalMs: number): number {
  return Math.max(20_000, upstreamIntervalMs * 10);
}

/** The history list refreshes this often, so other tabs' and instances' work shows up. */
export const HISTORY_REFRESH_MS = 10_000;

/**
 * One upstream task read, retried inside the request on a transient failure (a read is idempotent):
 * twice, 0.3–2 s apart with jitter. A Retry-After longer than `maxInlineRetryAfterMs` is not waited for;
 * the next poll comes soon enough.
 */
export const UPSTREAM_READ_RETRY = { retries: 2, minTimeoutMs: 300, maxTimeoutMs: 2_000, maxInlineRetryAfterMs: 5_000 };
