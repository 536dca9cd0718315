import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SimulatorOptions {
  /** Accepted Bearer key. */
  apiKey: string;
  /** Seconds from create to completed. */
  taskSeconds: number;
  /** Lifetime of a result URL after completion, in seconds. */
  resultTtlSeconds: number;
  /** Delay applied by the "slow" scenario, in milliseconds. */
  slowMs: number;
  /** How long the "timeout" scenarios hold a request unanswered before dropping it, in milliseconds. */
  hangMs: number;
  /** Folder holding sample-16x9.mp4, sample-9x16.mp4 and sample-1x1.mp4. */
  clipsDir: string;
  /**
   * One file served as every task's result instead of the sample clips (env SIMULATOR_RESULT_FILE; unset
   * or empty: the clips). The benchmark uses it to serve a 200 MB result.
   */
  resultFile?: string;
  /** Where the file service stores uploads; defaults to a fresh temp folder that close() removes. */
  filesDir: string;
  /** Upload size cap in bytes (env SIMULATOR_FILE_MAX_MB; the MCP's 100 MB by default). */
  fileMaxBytes: number;
  /** Files a key may hold at once (env SIMULATOR_FILE_QUOTA; the docs' 2000 by default). */
  fileQuota: number;
  /**
   * Base of the `file_url`s handed out, like the real service's public https host (env
   * SIMULATOR_PUBLIC_FILES_BASE). Empty: the request's own origin, so the links can be fetched here.
   */
  publicFilesBase: string;
  /** The account's balance before any task (env SIMULATOR_CREDITS); GET /v1/credits answers it less what tasks hold. */
  credits: number;
  /** Per-attempt timeout of a callback POST (CONTRACT.md, "Callbacks": 10 s). */
  callbackTimeoutMs: number;
  /** Waits before each retry of a failed callback (CONTRACT.md, "Callbacks": 1 s, 2 s, 4 s, so 4 attempts in all). */
  callbackRetryDelaysMs: readonly number[];
  /**
   * Emulates a TLS-terminating tunnel for loopback tests: callbacks addressed to the https origin `from`
   * are delivered to `to` (an http(s) origin) instead, path and query kept. The callback_url is still
   * validated as sent. Null: every callback goes where its URL says.
   */
  callbackTunnel: CallbackTunnel | null;
  /** Clock in epoch ms; injectable so tests can step time instead of sleeping. */
  now?: () => number;
}

export interface CallbackTunnel {
  from: string;
  to: string;
}

export const DEFAULT_API_KEY = "sk-demo-simulator";
const MB = 1024 * 1024;

/**
 * The simulator's own variables and their defaults. It is a separate program (also run standalone), so it
 * reads them itself; the studio's configuration module (lib/server/config.ts) lists the studio's.
 */
export const SIMULATOR_ENV_DEFAULTS = {
  // Read by the standalone command (cli.ts) only; in demo mode the studio passes its own.
  SIMULATOR_API_KEY: DEFAULT_API_KEY,
  SIMULATOR_TASK_SECONDS: 30,
  SIMULATOR_RESULT_TTL_SECONDS: 86_400,
  SIMULATOR_SLOW_MS: 3000,
  // 45 s outlasts the studio's default 30 s create timeout, and still ends on its own.
  SIMULATOR_HANG_MS: 45_000,
  SIMULATOR_FILE_MAX_MB: 100,
  SIMULATOR_FILE_QUOTA: 2000,
  SIMULATOR_RESULT_FILE: "",
  SIMULATOR_PUBLIC_FILES_BASE: "https://files.evolink.ai",
  // The docs' example key balance; plenty for a test suite's tasks, and demo mode still shows each one's cost.
  SIMULATOR_CREDITS: 100_000,
} as const;

type NumericSimulatorVariable = {
  [Name in keyof typeof SIMULATOR_ENV_DEFAULTS]: (typeof SIMULATOR_ENV_DEFAULTS)[Name] extends number ? Name : never;
}[keyof typeof SIMULATOR_ENV_DEFAULTS];

/** Reads a non-negative number from the environment, falling back on absent or garbage values. */
function envNumber(name: NumericSimulatorVariable): number {
  const fallback = SIMULATOR_ENV_DEFAULTS[name];
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function requireNumber(name: string, value: number, min: number, exclusive: boolean): number {
  const ok = Number.isFinite(value) && (exclusive ? value > min : value >= min);
  if (!ok) throw new RangeError(`Simulator option ${name} must be ${exclusive ? ">" : ">="} ${min}, got ${value}`);
  return value;
}

/** Origins only (scheme, host, port): the tunnel swaps one origin for another and keeps the rest. */
function checkTunnel(tunnel: CallbackTunnel | null): CallbackTunnel | null {
  if (!tunnel) return null;
  const origin = (raw: string, protocols: readonly string[], name: string): string => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw new RangeError(`Simulator option callbackTunnel.${name} must be a URL, got ${raw}`);
    }
    if (!protocols.includes(url.protocol) || url.href !== `${url.origin}/`) {
      throw new RangeError(
        `Simulator option callbackTunnel.${name} must be a bare ${protocols.join(" or ")} origin, got ${raw}`,
      );
    }
    return url.origin;
  };
  return { from: origin(tunnel.from, ["https:"], "from"), to: origin(tunnel.to, ["http:", "https:"], "to") };
}

/** Fills defaults (env first, then built-ins); undefined overrides count as absent. */
export function resolveSimulatorOptions(overrides: Partial<SimulatorOptions> = {}): SimulatorOptions {
  const envTaskSeconds = envNumber("SIMULATOR_TASK_SECONDS");
  const envMaxMb = envNumber("SIMULATOR_FILE_MAX_MB");
  return {
    apiKey: overrides.apiKey ?? DEFAULT_API_KEY,
    taskSeconds: requireNumber(
      "taskSeconds",
      overrides.taskSeconds ?? (envTaskSeconds > 0 ? envTaskSeconds : SIMULATOR_ENV_DEFAULTS.SIMULATOR_TASK_SECONDS),
      0,
      true,
    ),
    resultTtlSeconds: requireNumber(
      "resultTtlSeconds",
      overrides.resultTtlSeconds ?? envNumber("SIMULATOR_RESULT_TTL_SECONDS"),
      0,
      false,
    ),
    slowMs: requireNumber("slowMs", overrides.slowMs ?? envNumber("SIMULATOR_SLOW_MS"), 0, false),
    hangMs: requireNumber("hangMs", overrides.hangMs ?? envNumber("SIMULATOR_HANG_MS"), 0, false),
    clipsDir: overrides.clipsDir ?? path.join(process.cwd(), "lib/simulator/clips"),
    resultFile:
      overrides.resultFile ?? process.env.SIMULATOR_RESULT_FILE ?? SIMULATOR_ENV_DEFAULTS.SIMULATOR_RESULT_FILE,
    fileMaxBytes: requireNumber(
      "fileMaxBytes",
      overrides.fileMaxBytes ??
        Math.round((envMaxMb > 0 ? envMaxMb : SIMULATOR_ENV_DEFAULTS.SIMULATOR_FILE_MAX_MB) * MB),
      0,
      true,
    ),
    publicFilesBase: (
      overrides.publicFilesBase ??
      process.env.SIMULATOR_PUBLIC_FILES_BASE ??
      SIMULATOR_ENV_DEFAULTS.SIMULATOR_PUBLIC_FILES_BASE
    ).replace(/\/+$/, ""),
    fileQuota: Math.floor(
      requireNumber("fileQuota", overrides.fileQuota ?? envNumber("SIMULATOR_FILE_QUOTA"), 0, false),
    ),
    credits: requireNumber("credits", overrides.credits ?? envNumber("SIMULATOR_CREDITS"), 0, false),
    callbackTimeoutMs: requireNumber("callbackTimeoutMs", overrides.callbackTimeoutMs ?? 10_000, 0, true),
    callbackRetryDelaysMs: (overrides.callbackRetryDelaysMs ?? [1000, 2000, 4000]).map((ms, i) =>
      requireNumber(`callbackRetryDelaysMs[${i}]`, ms, 0, false),
    ),
    callbackTunnel: checkTunnel(overrides.callbackTunnel ?? null),
    // Last, so an invalid option above throws before a temp folder is made.
    filesDir: overrides.filesDir ?? mkdtempSync(path.join(os.tmpdir(), "evolink-sim-files-")),
    now: overrides.now ?? Date.now,
  };
}
