import "server-only";
import { z } from "zod";
import { DEFAULT_API_KEY as DEMO_KEY } from "../../simulator/options";
import type { RunningSimulator } from "../../simulator/server";
import { publicBaseUrl, trimSlash } from "./public-base-url";

/** The only place that reads the Evolink key. It never leaves the server and is never logged. */
export interface UpstreamConfig {
  apiKey: string;
  apiBase: string;
  filesBase: string;
  demo: boolean;
}

/** The configured key, if any. Besides upstreamConfig, only the logger asks: to scrub it from every line. */
export function configuredApiKey(): string | undefined {
  return process.env.EVOLINK_API_KEY?.trim() || undefined;
}

export function isDemoMode(): boolean {
  return !configuredApiKey();
}

/** How often browsers poll: the docs poll every 5 s; the simulator moves faster, so demo polls more often. */
export function pollIntervalMs(): number {
  const configured = Number(process.env.POLL_INTERVAL_MS);
  if (Number.isFinite(configured) && configured >= 250) return configured;
  return isDemoMode() ? 1000 : 5000;
}

/** With callbacks on, the studio's copy of a task can change between upstream polls. */
const CALLBACK_BROWSER_POLL_MS = 2000;

/**
 * How often browsers ask the studio about a running task. Those answers come from the store unless the
 * upstream interval has passed, so with callbacks on browsers ask more often than the upstream is asked
 * and see a callback's news within a couple of seconds.
 */
export function browserPollMs(): number {
  const interval = pollIntervalMs();
  return publicBaseUrl() ? Math.min(interval, CALLBACK_BROWSER_POLL_MS) : interval;
}

const timeoutMs = z.coerce
  .number({ error: "must be a number of milliseconds" })
  .int("must be a whole number of milliseconds")
  .min(100, "must be at least 100 ms")
  .max(600_000, "must be at most 600000 ms (10 minutes)");

function timeoutFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const parsed = timeoutMs.safeParse(raw);
  if (!parsed.success)
    throw new Error(`${name}=${raw} ${parsed.error.issues[0]?.message}; unset it to use ${fallback}.`);
  return parsed.data;
}

/**
 * How long the server waits for Evolink: a create (30 s by default) and a task read (15 s). Tests shorten
 * them to reach the timeout paths quickly. An invalid value throws; the studio checks at start.
 */
export function upstreamTimeouts(): { createMs: number; getMs: number } {
  return {
    createMs: timeoutFromEnv("EVOLINK_CREATE_TIMEOUT_MS", 30_000),
    getMs: timeoutFromEnv("EVOLINK_GET_TIMEOUT_MS", 15_000),
  };
}

const globalForSimulator = globalThis as typeof globalThis & { __embeddedSimulator?: Promise<RunningSimulator> };

/** Demo mode runs the simulator inside this process on a private loopback port, started on first use. */
function embeddedSimulator(): Promise<RunningSimulator> {
  // Loaded only in demo mode: a studio with a real key never loads the simulator's modules.
  globalForSimulator.__embeddedSimulator ??= import("../../simulator/server").then(({ startSimulator }) =>
    startSimulator({ apiKey: DEMO_KEY, host: "127.0.0.1", port: 0 }),
  );
  return globalForSimulator.__embeddedSimulator;
}

export async function upstreamConfig(): Promise<UpstreamConfig> {
  const apiKey = configuredApiKey();
  if (apiKey) {
    return {
      apiKey,
      apiBase: trimSlash(process.env.EVOLINK_API_BASE || "https://api.evolink.ai"),
      filesBase: trimSlash(process.env.EVOLINK_FILES_BASE || "https://files-api.evolink.ai"),
      demo: false,
    };
  }
  const simulator = await embeddedSimulator();
  return { apiKey: DEMO_KEY, apiBase: simulator.url, filesBase: simulator.url, demo: true };
}
