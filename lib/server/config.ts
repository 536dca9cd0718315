import "server-only";
import path from "node:path";
import os from "node:os";
import { z } from "zod";
import { parseAllowedHosts, type HostName } from "./http/host-names";
import { DEFAULT_VIDEO_UPLOAD_MAX_BYTES } from "../media/rules";
import { upstreamPollIntervalMs } from "../tasks/polling";
import { publicBaseUrlReason, trimSlash } from "./evolink/public-base-url";
import { parseStorageUrl, type StorageSettings } from "./storage/settings";
import {
  blankIsUnset,
  databasePassword,
  httpBase,
  milliseconds,
  optionalSecret,
  optionalText,
  perMinute,
  safeProtocol,
  trimmed,
  wholeNumber,
} from "./config-fields";

/**
 * The studio's configuration: every environment variable it reads, parsed here and nowhere else. The
 * start (startup.ts) parses it first, so a bad value stops the studio with a message naming the variable,
 * what is wrong with it and what is accepted. `.env.example` and the README's Configuration table list
 * the same variables; a unit test keeps the three in agreement. The simulator is a separate program and
 * reads its own `SIMULATOR_*` variables (lib/simulator/options.ts).
 */

const MB = 1024 * 1024;
const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** Every variable, its default (as the README states it) and what it does: the schema the start parses. */
const ENV_SCHEMA = z.object({
  EVOLINK_API_KEY: optionalText,
  EVOLINK_API_BASE: httpBase.default("https://api.evolink.ai"),
  EVOLINK_FILES_BASE: httpBase.default("https://files-api.evolink.ai"),
  EVOLINK_CREATE_TIMEOUT_MS: milliseconds(100).default(30_000),
  EVOLINK_GET_TIMEOUT_MS: milliseconds(100).default(15_000),
  POLL_INTERVAL_MS: milliseconds(250).optional(),
  PUBLIC_BASE_URL: optionalText.superRefine((value, context) => {
    const reason = value === undefined ? null : publicBaseUrlReason(value);
    if (reason) context.addIssue({ code: "custom", message: reason });
  }),
  PORT: wholeNumber(1, 65_535, "", "a TCP port").default(3000),
  HOST: optionalText.default("127.0.0.1"),
  DATA_DIR: optionalText.default("data"),
  DATABASE_URL: z.preprocess(
    blankIsUnset,
    trimmed
      .refine(
        (value) => /^postgres(ql)?:$/.test(safeProtocol(value)),
        // Not echoed: the value may hold a password.
        "Refusing to start: DATABASE_URL must be a postgres:// URL (postgres://user:password@host:5432/database); " +
          "unset it to keep the history in the SQLite file in DATA_DIR.",
      )
      .optional(),
  ),
  ARCHIVE_DIR: optionalText,
  STORAGE_URL: optionalText.superRefine((value, context) => {
    const parsed = value === undefined ? null : parseStorageUrl(value);
    if (typeof parsed === "string") context.addIssue({ code: "custom", message: parsed });
  }),
  AWS_ENDPOINT_URL_S3: httpBase.optional(),
  AWS_ENDPOINT_URL: httpBase.optional(),
  STORAGE_PUBLIC_ENDPOINT: httpBase.optional(),
  AWS_REGION: optionalText.default("us-east-1"),
  AWS_ACCESS_KEY_ID: optionalText,
  AWS_SECRET_ACCESS_KEY: optionalSecret,
  UPLOAD_MAX_VIDEO_MB: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: "must be a number of megabytes (accepted: more than 0, up to 1024 MB)" })
      .positive("must be more than 0 MB (accepted: more than 0, up to 1024 MB)")
      .max(1024, "must be at most 1024 MB (accepted: more than 0, up to 1024 MB)")
      .default(DEFAULT_VIDEO_UPLOAD_MAX_BYTES / MB),
  ),
  UPLOAD_TMP_DIR: optionalText,
  UPLOAD_IDLE_TIMEOUT_MS: milliseconds(100).default(20_000),
  // One form holds a video and four images, and the page uploads them all at once.
  UPLOAD_MAX_CONCURRENT_PER_CLIENT: wholeNumber(1, 10_000, "", "uploads").default(5),
  // A stalled upload holds ~1.4 MB and 5 file handles until its idle timeout: 64 bound that at ~90 MB and
  // 320 handles, and leave room for a team of a few dozen people uploading at the same moment.
  UPLOAD_MAX_CONCURRENT: wholeNumber(1, 10_000, "", "uploads").default(64),
  // A platform scheduler's credential for POST /api/cron/advance; unset, the route answers as if it did not exist.
  CRON_SECRET: optionalSecret,
  // Off on platforms without long-running processes: the scheduler's calls to /api/cron/advance do the polling.
  BACKGROUND_POLLER: z.preprocess(blankIsUnset, trimmed.pipe(z.enum(["on", "off"])).default("on")),
  APP_PASSWORD: optionalSecret,
  SESSION_SECRET: optionalSecret,
  ALLOW_PUBLIC_WITHOUT_PASSWORD: optionalText,
  ALLOWED_HOSTS: z.preprocess(blankIsUnset, z.string().optional()).transform((value, context) => {
    try {
      return parseAllowedHosts(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: `Refusing to start: ${(error as Error).message}` });
      return z.NEVER;
    }
  }),
  TRUST_PROXY_HOPS: z.preprocess(blankIsUnset, z.string().optional()).transform((value, context) => {
    const raw = value?.trim() ?? "0";
    if (/^\d{1,2}$/.test(raw) && Number(raw) <= 10) return Number(raw);
    context.addIssue({
      code: "custom",
      message:
        `Refusing to start: TRUST_PROXY_HOPS must be a whole number from 0 to 10: how many reverse proxies in ` +
        `front of the studio add to X-Forwarded-For (1 for a single nginx or Caddy); it is "${raw}".`,
    });
    return z.NEVER;
  }),
  RATE_LIMIT_GENERATE_PER_MIN: perMinute.default(10),
  RATE_LIMIT_UPLOAD_PER_MIN: perMinute.default(30),
  RATE_LIMIT_SIGN_IN_PER_MIN: perMinute.default(10),
  // Evolink sends one callback per finished task (up to 4 with retries); more from one address is guessing.
  RATE_LIMIT_WEBHOOK_PER_MIN: perMinute.default(120),
  LOG_LEVEL: z.preprocess(blankIsUnset, trimmed.pipe(z.enum(LOG_LEVELS)).default("info")),
  // Four 10 s takes at 1080p cost ~430 credits: a Generate above this total asks once before sending.
  CONFIRM_ABOVE_CREDITS: wholeNumber(0, 1_000_000, "", "credits").default(100),
});

/** The names of every variable the studio reads (the simulator's own excepted). */
export const CONFIG_VARIABLES = Object.keys(ENV_SCHEMA.shape) as (keyof typeof ENV_SCHEMA.shape)[];

/** Each variable's default as the schema applies it (undefined: unset means off, or a default that depends on the mode). */
export const CONFIG_DEFAULTS: Record<string, unknown> = Object.fromEntries(
  CONFIG_VARIABLES.map((name) => [name, ENV_SCHEMA.shape[name].safeParse(undefined).data]),
);

export interface StudioConfig {
  evolink: {
    apiKey: string | undefined;
    apiBase: string;
    filesBase: string;
    createTimeoutMs: number;
    getTimeoutMs: number;
  };
  /** No key: the built-in simulator stands in for Evolink. */
  demo: boolean;
  /** How often the studio asks Evolink about a running task (POLL_INTERVAL_MS, or the mode's default). */
  pollIntervalMs: number;
  /** Whether this process polls and archives on its own timer (BACKGROUND_POLLER, on by default). */
  backgroundPoller: boolean;
  /** CRON_SECRET: the bearer token POST /api/cron/advance requires; unset, the route is off. */
  cronSecret: string | undefined;
  /** PUBLIC_BASE_URL normalised (no trailing slash), or null: polling alone finishes tasks. */
  publicBaseUrl: string | null;
  dataDir: string;
  /** DATABASE_URL: the PostgreSQL the store lives in, or null for the SQLite file in DATA_DIR. */
  databaseUrl: string | null;
  archiveDir: string;
  /** Where archived results, posters and kept references live: the archive folder, or an S3-compatible bucket. */
  storage: StorageSettings;
  uploads: {
    maxVideoBytes: number;
    tmpBase: string;
    idleTimeoutMs: number;
    maxConcurrentPerClient: number;
    maxConcurrent: number;
  };
  auth: { password: string | undefined; sessionSecret: string | undefined; publicWithoutPassword: string | undefined };
  edge: { allowedHosts: HostName[]; trustProxyHops: number };
  rateLimitsPerMinute: { generate: number; upload: number; signIn: number; webhook: number };
  logLevel: (typeof LOG_LEVELS)[number];
  /** A Generate whose estimated total is above this many credits asks for confirmation first. */
  confirmAboveCredits: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

type ParsedEnv = z.infer<typeof ENV_SCHEMA>;

function describeIssues(error: z.ZodError, env: NodeJS.ProcessEnv): string {
  return error.issues
    .map((issue) => {
      const name = String(issue.path[0]);
      // Some rules already read as a full sentence that quotes the value (PUBLIC_BASE_URL's).
      if (issue.message.startsWith("Refusing to start")) return issue.message;
      const fallback = CONFIG_DEFAULTS[name];
      const unset = fallback !== undefined ? `; unset it to use ${String(fallback)}` : "";
      return `Refusing to start: ${name}=${env[name]?.trim()} ${issue.message}${unset}.`;
    })
    .join(" ");
}

function toConfig(parsed: ParsedEnv): StudioConfig {
  // Chosen at run time by the operator; not build inputs for Turbopack to trace.
  const dataDir = path.resolve(/*turbopackIgnore: true*/ parsed.DATA_DIR);
  return {
    evolink: {
      apiKey: parsed.EVOLINK_API_KEY,
      apiBase: trimSlash(parsed.EVOLINK_API_BASE),
      filesBase: trimSlash(parsed.EVOLINK_FILES_BASE),
      createTimeoutMs: parsed.EVOLINK_CREATE_TIMEOUT_MS,
      getTimeoutMs: parsed.EVOLINK_GET_TIMEOUT_MS,
    },
    demo: !parsed.EVOLINK_API_KEY,
    pollIntervalMs: upstreamPollIntervalMs(parsed.POLL_INTERVAL_MS, !parsed.EVOLINK_API_KEY),
    backgroundPoller: parsed.BACKGROUND_POLLER === "on",
    cronSecret: parsed.CRON_SECRET,
    publicBaseUrl: parsed.PUBLIC_BASE_URL ? trimSlash(new URL(parsed.PUBLIC_BASE_URL).href) : null,
    dataDir,
    databaseUrl: parsed.DATABASE_URL ?? null,
    archiveDir: path.resolve(/*turbopackIgnore: true*/ parsed.ARCHIVE_DIR ?? path.join(dataDir, "videos")),
    storage: storageSettings(parsed),
    uploads: {
      maxVideoBytes: Math.round(parsed.UPLOAD_MAX_VIDEO_MB * MB),
      tmpBase: parsed.UPLOAD_TMP_DIR ?? path.join(os.tmpdir(), "kling-studio-uploads"),
      idleTimeoutMs: parsed.UPLOAD_IDLE_TIMEOUT_MS,
      maxConcurrentPerClient: parsed.UPLOAD_MAX_CONCURRENT_PER_CLIENT,
      maxConcurrent: parsed.UPLOAD_MAX_CONCURRENT,
    },
    auth: {
      password: parsed.APP_PASSWORD,
      sessionSecret: parsed.SESSION_SECRET,
      publicWithoutPassword: parsed.ALLOW_PUBLIC_WITHOUT_PASSWORD,
    },
    edge: { allowedHosts: parsed.ALLOWED_HOSTS, trustProxyHops: parsed.TRUST_PROXY_HOPS },
    rateLimitsPerMinute: {
      generate: parsed.RATE_LIMIT_GENERATE_PER_MIN,
      upload: parsed.RATE_LIMIT_UPLOAD_PER_MIN,
      signIn: parsed.RATE_LIMIT_SIGN_IN_PER_MIN,
      webhook: parsed.RATE_LIMIT_WEBHOOK_PER_MIN,
    },
    logLevel: parsed.LOG_LEVEL,
    confirmAboveCredits: parsed.CONFIRM_ABOVE_CREDITS,
  };
}

function storageSettings(parsed: ParsedEnv): StorageSettings {
  const target = parsed.STORAGE_URL ? parseStorageUrl(parsed.STORAGE_URL) : null;
  if (!target || typeof target === "string") return { kind: "local" };
  const endpoint = parsed.AWS_ENDPOINT_URL_S3 ?? parsed.AWS_ENDPOINT_URL;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = parsed;
  return {
    kind: "s3",
    ...target,
    endpoint: endpoint ? trimSlash(endpoint) : undefined,
    publicEndpoint: parsed.STORAGE_PUBLIC_ENDPOINT ? trimSlash(parsed.STORAGE_PUBLIC_ENDPOINT) : undefined,
    region: parsed.AWS_REGION,
    // Unset: the SDK's own chain (instance roles, shared files) finds them.
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
  };
}

/** Parses `env` (any object of variables; tests pass their own). Throws a ConfigError naming every bad value. */
export function loadConfig(env: NodeJS.ProcessEnv): StudioConfig {
  const parsed = ENV_SCHEMA.safeParse(env);
  if (!parsed.success) throw new ConfigError(describeIssues(parsed.error, env));
  return toConfig(parsed.data);
}

let cached: { fingerprint: string; config: StudioConfig } | undefined;

/**
 * The configuration of this process. Parsed once per set of values: tests change variables between
 * cases, so the cache is keyed on the values themselves, which costs a few dozen lookups per call.
 */
export function config(): StudioConfig {
  const fingerprint = CONFIG_VARIABLES.map((name) => process.env[name] ?? "\0").join("\0\0");
  if (cached?.fingerprint !== fingerprint) cached = { fingerprint, config: loadConfig(process.env) };
  return cached.config;
}

/** This process's configuration with some variables replaced (a command's flags standing in for them). */
export function configWith(overrides: Record<string, string>): StudioConfig {
  return loadConfig({ ...process.env, ...overrides });
}

/**
 * The secret values as set, parsed or not: the logger scrubs them from every line, including the line
 * that says the configuration is invalid.
 */
export function configuredSecretValues(): string[] {
  const values = [
    process.env.EVOLINK_API_KEY?.trim(),
    process.env.APP_PASSWORD,
    process.env.SESSION_SECRET,
    process.env.CRON_SECRET,
    databasePassword(process.env.DATABASE_URL),
    process.env.AWS_SECRET_ACCESS_KEY,
  ];
  return values.filter((secret): secret is string => Boolean(secret));
}

/** LOG_LEVEL as parsed, or `info` while the configuration is invalid (so the refusal itself is logged). */
export function configuredLogLevel(): StudioConfig["logLevel"] {
  try {
    return config().logLevel;
  } catch {
    return "info";
  }
}
