import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import { configuredLogLevel } from "./config";
import { configuredSecrets, secretScrubber } from "./scrub-secrets";

/** What every line logged inside a request, or inside a background job, carries. */
export interface LogContext {
  requestId?: string;
  job?: "poller" | "archiver" | "posters" | "startup";
  taskId?: string;
}

// Route bundles may each hold a copy of this module: the context store and the logger live on
// globalThis so every copy (and the background poller) shares one of each.
const globalForLog = globalThis as typeof globalThis & {
  __logContext?: AsyncLocalStorage<LogContext>;
  __logger?: Logger;
};
const contextStorage = (globalForLog.__logContext ??= new AsyncLocalStorage<LogContext>());

/** Runs `work` with `context` attached to every line it logs, however deep. */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return contextStorage.run(context, work);
}

export function currentRequestId(): string | undefined {
  return contextStorage.getStore()?.requestId;
}

const LEVELS = new Set([...Object.keys(pino.levels.values), "silent"]);

// Header and field names whose values never belong in a log, at any of the first four levels of nesting.
const SENSITIVE_KEYS = [
  "authorization",
  "Authorization",
  "cookie",
  "Cookie",
  "set-cookie",
  "Set-Cookie",
  "x-api-key",
  "X-Api-Key",
  "apiKey",
  "api_key",
  "password",
  "secret",
  "token",
  "EVOLINK_API_KEY",
  "APP_PASSWORD",
  "SESSION_SECRET",
  "CRON_SECRET",
];
export const REDACTED_PATHS = SENSITIVE_KEYS.flatMap((key) =>
  ["", "*", "*.*", "*.*.*"].map((prefix) => `${prefix}${JSON.stringify([key])}`),
);

export interface LoggerOptions {
  destination: DestinationStream;
  level?: string;
  secrets: readonly string[];
}

/** JSON lines with ISO times, the current request or job context, and secrets redacted. No transports. */
export function createLogger({ destination, level = "info", secrets }: LoggerOptions): Logger {
  const valid = LEVELS.has(level);
  const logger = pino(
    {
      level: valid ? level : "info",
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[Redacted]" },
      mixin: () => ({ ...contextStorage.getStore() }),
      hooks: { streamWrite: secretScrubber(secrets) },
    },
    destination,
  );
  if (!valid) logger.warn({ LOG_LEVEL: level, levels: [...LEVELS] }, "LOG_LEVEL is not a known level; logging at info");
  return logger;
}

function studioLogger(destination: DestinationStream): Logger {
  return createLogger({
    destination,
    level: configuredLogLevel(),
    secrets: configuredSecrets(),
  });
}

/** The studio's logger: JSON lines on stdout, written synchronously so nothing is lost at exit. */
export function log(): Logger {
  return (globalForLog.__logger ??= studioLogger(pino.destination({ dest: 1, sync: true })));
}

/** Sends the studio's log lines to another stream (unit tests read them this way). */
export function redirectLogs(destination: DestinationStream): Logger {
  globalForLog.__logger = studioLogger(destination);
  return globalForLog.__logger;
}
