import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CONFIG_DEFAULTS, CONFIG_VARIABLES, config, loadConfig } from "@/lib/server/config";
import { refusedStart } from "../helpers/startup-refusal";
import { SIMULATOR_ENV_DEFAULTS } from "@/lib/simulator/options";

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const read = (file: string) => readFileSync(path.join(process.cwd(), file), "utf8");
const DEFAULTS: Record<string, unknown> = { ...CONFIG_DEFAULTS, ...SIMULATOR_ENV_DEFAULTS };
const ALL_VARIABLES = Object.keys(DEFAULTS).sort();

/** `.env.example`: every variable as `# NAME=default` (empty when unset means off). */
function envExample(): Map<string, string> {
  const lines = read(".env.example").split("\n");
  const entries = lines.flatMap((line) => {
    const match = /^# ([A-Z][A-Z0-9_]+)=(.*)$/.exec(line);
    return match ? [[match[1] ?? "", match[2] ?? ""] as const] : [];
  });
  return new Map(entries);
}

/** The README's Configuration table: variable → default cell. */
function readmeTable(): Map<string, string> {
  const readme = read("README.md");
  const section = readme.slice(
    readme.indexOf("## Configuration"),
    readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5),
  );
  const rows = section.split("\n").flatMap((line) => {
    const match = /^\| `([A-Z][A-Z0-9_]+)` \| ([^|]*) \|/.exec(line);
    return match ? [[match[1] ?? "", (match[2] ?? "").replaceAll("`", "").trim()] as const] : [];
  });
  return new Map(rows);
}

describe("configuration: one list of variables", () => {
  it("the schema, .env.example and the README table name the same variables", async () => {
    expect(CONFIG_VARIABLES.length).toBeGreaterThan(25);
    expect([...envExample().keys()].sort()).toEqual(ALL_VARIABLES);
    expect([...readmeTable().keys()].sort()).toEqual(ALL_VARIABLES);
  });

  it("the three agree on every default", async () => {
    const example = envExample();
    const table = readmeTable();
    for (const name of ALL_VARIABLES) {
      const fallback = DEFAULTS[name];
      const expected = fallback === undefined ? "" : String(fallback);
      expect(example.get(name), `.env.example ${name}`).toBe(expected);
      if (expected) expect(table.get(name)?.startsWith(expected), `README ${name}: ${table.get(name)}`).toBe(true);
    }
  });

  it("no module but the configuration reads the studio's variables from process.env", async () => {
    const roots = ["app", "components", "lib"];
    const sources = roots.flatMap((root) =>
      (readdirSync(path.join(process.cwd(), root), { recursive: true }) as string[])
        .filter((file) => /\.(ts|tsx|mjs)$/.test(file))
        .map((file) => path.join(root, file)),
    );
    // The simulator is a separate program with its own options; Next itself sets NEXT_RUNTIME.
    const readers = [...sources, "instrumentation.ts"].filter(
      (file) =>
        !file.startsWith(`lib${path.sep}simulator${path.sep}`) && /process\.env\b(?!\.NEXT_RUNTIME)/.test(read(file)),
    );
    expect(sources.length).toBeGreaterThan(50);
    expect(readers).toEqual([path.join("lib", "server", "config.ts")]);
  });
});

const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

describe("configuration: parsing", () => {
  it("applies the defaults with nothing set", async () => {
    const parsed = loadConfig(env({}));
    expect(parsed.demo).toBe(true);
    expect(parsed.pollIntervalMs).toBe(1000);
    expect(parsed.evolink).toMatchObject({
      apiBase: "https://api.evolink.ai",
      createTimeoutMs: 30_000,
      getTimeoutMs: 15_000,
    });
    expect(parsed.uploads).toMatchObject({
      maxVideoBytes: 100 * 1024 * 1024,
      maxConcurrentPerClient: 5,
      maxConcurrent: 64,
    });
    expect(parsed.rateLimitsPerMinute).toEqual({ generate: 10, upload: 30, signIn: 10, webhook: 120 });
    expect(parsed.archiveDir).toBe(path.resolve("data", "videos"));
  });

  it("reads set values, trimmed, with a real key leaving demo mode", async () => {
    const parsed = loadConfig(
      env({
        EVOLINK_API_KEY: " sk-live ",
        EVOLINK_API_BASE: "https://gw.example/",
        POLL_INTERVAL_MS: "750",
        TRUST_PROXY_HOPS: "1",
      }),
    );
    expect(parsed.demo).toBe(false);
    expect(parsed.evolink.apiKey).toBe("sk-live");
    expect(parsed.evolink.apiBase).toBe("https://gw.example");
    expect(parsed.pollIntervalMs).toBe(750);
    expect(parsed.edge.trustProxyHops).toBe(1);
    expect(loadConfig(env({ EVOLINK_API_KEY: "sk-live" })).pollIntervalMs).toBe(5000);
  });

  it.each([
    ["PORT", "70000", /PORT=70000 must be at most 65535 \(accepted: 1–65535\); unset it to use 3000\./],
    ["POLL_INTERVAL_MS", "10", /POLL_INTERVAL_MS=10 must be at least 250 ms \(accepted: 250–600000 ms\)\./],
    [
      "UPLOAD_MAX_CONCURRENT",
      "two",
      /UPLOAD_MAX_CONCURRENT=two must be a number of uploads \(accepted: 1–10000\); unset it to use 64/,
    ],
    ["RATE_LIMIT_GENERATE_PER_MIN", "0", /RATE_LIMIT_GENERATE_PER_MIN=0 must be at least 1 \(accepted: 1–1000000\)/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL=loud .*"info".*; unset it to use info/],
    [
      "EVOLINK_API_BASE",
      "api.evolink.ai",
      /EVOLINK_API_BASE=api.evolink.ai must be an absolute http:\/\/ or https:\/\/ URL/,
    ],
    ["UPLOAD_IDLE_TIMEOUT_MS", "1.5", /UPLOAD_IDLE_TIMEOUT_MS=1.5 must be a whole number of milliseconds/],
  ])("refuses %s=%s with a message naming it and the accepted range", (name, value, message) => {
    expect(() => loadConfig(env({ [name]: value }))).toThrow(message);
  });

  it("names every bad variable at once", async () => {
    expect(() => loadConfig(env({ PORT: "0", TRUST_PROXY_HOPS: "99" }))).toThrow(/PORT=0 .*TRUST_PROXY_HOPS must be/);
  });

  it("follows the environment when it changes, and parses it once per set of values", async () => {
    vi.stubEnv("RATE_LIMIT_UPLOAD_PER_MIN", "7");
    const first = config();
    expect(first.rateLimitsPerMinute.upload).toBe(7);
    expect(config()).toBe(first);
    vi.stubEnv("RATE_LIMIT_UPLOAD_PER_MIN", "8");
    expect(config().rateLimitsPerMinute.upload).toBe(8);
  });

  it("stops the server at start on a bad value, logging the message", async () => {
    const { exitCalls, fatal } = await refusedStart({ HOST: "127.0.0.1", UPLOAD_MAX_VIDEO_MB: "lots" });
    expect(exitCalls).toContainEqual([1]);
    expect(fatal.level).toBe("fatal");
    expect(fatal.msg).toMatch(
      /UPLOAD_MAX_VIDEO_MB=lots must be a number of megabytes \(accepted: more than 0, up to 1024 MB\)/,
    );
  });
});
