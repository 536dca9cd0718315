import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { sessionSecretReason } from "@/lib/server/deployment-check";
import { CLIENT_ADDRESS_HEADER, clientAddressStamp } from "@/lib/server/http/client-address";
import { closeStore } from "@/lib/server/store/connection";
import { refusedStart } from "../helpers/startup-refusal";
import { freshPostgresUrl } from "./store-engines";

// What several instances on one database need from the settings: one session key set by the operator, and rate
// budgets kept in PostgreSQL that every instance spends alike (with the in-memory limiter as insurance).
const SHARED = "postgres://studio:pw@127.0.0.1:9/studio";
const settings = (values: Record<string, string>) => loadConfig(values as NodeJS.ProcessEnv);

describe("a shared database with a password", () => {
  it("requires SESSION_SECRET: the reason names both variables", () => {
    const reason = sessionSecretReason(settings({ DATABASE_URL: SHARED, APP_PASSWORD: "a long password" }));
    expect(reason).toMatch(/APP_PASSWORD is set with DATABASE_URL but SESSION_SECRET is not/);
    expect(reason).toMatch(/the same on every instance/);
  });

  it.each([
    ["SQLite (no DATABASE_URL)", { APP_PASSWORD: "a long password" }],
    ["no password", { DATABASE_URL: SHARED }],
    ["an explicit SESSION_SECRET", { DATABASE_URL: SHARED, APP_PASSWORD: "pw", SESSION_SECRET: "k".repeat(40) }],
  ])("is fine with %s", (_label, env) => {
    expect(sessionSecretReason(settings(env))).toBeNull();
  });

  it("stops the start with that message before the database is even opened", async () => {
    const { exitCalls, fatal } = await refusedStart({
      HOST: "127.0.0.1",
      DATABASE_URL: SHARED,
      APP_PASSWORD: "a long password",
      LOG_LEVEL: "info",
    });
    expect(exitCalls).toContainEqual([1]);
    expect(fatal).toMatchObject({ level: "fatal", job: "startup" });
    expect(fatal.msg).toMatch(/SESSION_SECRET/);
    expect(fatal.msg).toMatch(/DATABASE_URL/);
    expect(fatal.msg).not.toMatch(/cannot be reached/);
  });
});

type RateLimit = typeof import("@/lib/server/http/rate-limit");
/** Another instance's rate-limit module: its own limiters, the same database. */
async function instance(): Promise<RateLimit> {
  const global = globalThis as { __rateLimiters?: unknown; __sharedRateLimiters?: unknown };
  delete global.__rateLimiters;
  delete global.__sharedRateLimiters;
  vi.resetModules();
  return import("@/lib/server/http/rate-limit");
}

const request = (address: string) =>
  new Request("http://127.0.0.1/api/session", { headers: { [CLIENT_ADDRESS_HEADER]: clientAddressStamp(address) } });

describe("rate-limit budgets with DATABASE_URL", () => {
  const saved = { ...process.env };
  beforeAll(async () => {
    await closeStore();
    Object.assign(process.env, { DATABASE_URL: await freshPostgresUrl(), RATE_LIMIT_SIGN_IN_PER_MIN: "3" });
  });
  afterAll(async () => {
    await closeStore();
    process.env = saved;
  });

  it("are shared: what one instance spent, the other sees", async () => {
    const [a, b] = [await instance(), await instance()];
    const answers = [];
    for (const limiter of [a, b, a, b])
      answers.push((await limiter.rateLimit(request("192.0.2.10"), "signIn"))?.status);
    expect(answers).toEqual([undefined, undefined, undefined, 429]);
  });

  it("fall back to each instance's own budget, never an error, while PostgreSQL cannot be reached", async () => {
    await closeStore();
    vi.stubEnv("DATABASE_URL", SHARED);
    try {
      const limiter = await instance();
      const answers = [];
      for (let call = 0; call < 4; call++)
        answers.push((await limiter.rateLimit(request("192.0.2.11"), "signIn"))?.status);
      expect(answers).toEqual([undefined, undefined, undefined, 429]);
    } finally {
      vi.unstubAllEnvs();
      await closeStore();
    }
  });
});
