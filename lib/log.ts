import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import { sessionSecrets } from "./auth/session";
import { configuredApiKey } from "./evolink/config";

/** What every line logged inside a request, or inside a background job, carries. */
export interface LogContext {
  requestId?: string;
  job?: "poller" | "archiver" | "startup";
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
];
export const REDACTED_PATHS = SENSITIVE_KEYS.flatMap((key) =>
  ["", "*", "*.*", "*.*.*"].map((prefix) => `${prefix}${JSON.stringify([key])}`),
);

// Shorter values are common substrings of ordinary words; scrubbing them would mangle every line.
const MIN_SCRUBBED_LENGTH = 6;

/** Each secret as it may appear: plain (so also after "Bearer "), base64 and base64url. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = secrets
    .filter((secret) => secret.length >= MIN_SCRUBBED_LENGTH)
    .flatMap((secret) => [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url")]);
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

function scrubString(text: string, forms: readonly string[]): string {
  return forms.reduce((out, form) => out.replaceAll(form, "[Redacted]"), text);
}

function scrubValue(value: unknown, forms: readonly string[]): unknown {
  if (typeof value === "string") return scrubString(value, forms);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, forms));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [scrubString(key, forms), scrubValue(item, forms)]));
  }
  return value;
}

/**
 * The last line of defence: a secret's literal value anywhere in a finished line (an upstream message
 * echoing the key, an error stack) is replaced. Lines are searched as written, and only a line that
 * holds a secret is parsed, scrubbed value by value and written again, so the output stays valid JSON.
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = secretForms(secrets);
  const written = forms.map((form) => JSON.stringify(form).slice(1, -1));
  return (line) => {
    if (!written.some((form) => line.includes(form))) return line;
    try {
      return `${JSON.stringify(scrubValue(JSON.parse(line), forms))}\n`;
    } catch {
      return scrubString(line, written);
    }
  };
}

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
    level: process.env.LOG_LEVEL?.trim() || "info",
    secrets: [configuredApiKey(), ...sessionSecrets()].filter((secret): secret is string => Boolean(secret)),
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
