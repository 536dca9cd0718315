import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as cronAdvance } from "@/app/api/cron/advance/route";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { findTask } from "@/lib/server/store/tasks";
import { CLIENT_ADDRESS_HEADER, clientAddressStamp } from "@/lib/server/http/client-address";
import { submitGeneration } from "@/lib/server/tasks/submit";
import { ENGINES, useEngine } from "./store-engines";

// POST /api/cron/advance: off without CRON_SECRET, refused with a wrong one, and with the right one the poller's
// own round (under this instance's leases) runs and answers its counts.
const KEY = "sk-test-cron-advance";
const SECRET = "cron-secret-for-the-unit-run-4f1d";
const saved = { ...process.env };
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 1, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "250",
    RATE_LIMIT_SIGN_IN_PER_MIN: "3",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

// Each call from its own address (as the HTTP edge stamps it), so only the rate-limit case shares a budget.
let addresses = 0;
const call = (authorization?: string, address = `198.51.100.${++addresses}`) =>
  cronAdvance(
    new Request("http://127.0.0.1/api/cron/advance", {
      method: "POST",
      headers: {
        [CLIENT_ADDRESS_HEADER]: clientAddressStamp(address),
        ...(authorization ? { Authorization: authorization } : {}),
      },
    }),
  ).then(async (response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the cron route's credential", () => {
  it("answers not_found (404) while CRON_SECRET is unset, whatever is sent", async () => {
    vi.stubEnv("CRON_SECRET", "");
    try {
      for (const sent of [undefined, `Bearer ${SECRET}`, "Bearer "]) {
        const { status, body } = await call(sent);
        expect(status).toBe(404);
        expect(body).toMatchObject({ error: { code: "not_found" } });
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a missing, wrong or differently written secret with cron_secret_wrong (401)", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    try {
      for (const sent of [undefined, "Bearer wrong", `Bearer ${SECRET}x`, SECRET, `Basic ${SECRET}`]) {
        const { status, body } = await call(sent);
        expect(status, String(sent)).toBe(401);
        expect(body).toMatchObject({ error: { code: "cron_secret_wrong" } });
      }
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe.each(ENGINES)("the cron route on %s", (engine) => {
  useEngine(engine);

  it("with the right secret advances the due tasks, archives the finished ones, and answers the counts", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    vi.stubEnv("BACKGROUND_POLLER", "off");
    try {
      const { task } = await submitGeneration({
        ...GENERATION_DEFAULTS,
        prompt: "<<<video_1>>> advanced by a scheduler",
        videoUrl: "https://m.example.com/a.mp4",
      });
      const first = await call(`Bearer ${SECRET}`);
      expect(first).toEqual({ status: 200, body: { refreshed: 1, failed: 0, archived: 0 } });
      await sleep(1_300);
      // The task completes on this call; its copy is made by the archive step of the same round or the next.
      const rounds = [await call(`Bearer ${SECRET}`), await call(`Bearer ${SECRET}`)];
      expect(rounds.every((round) => round.status === 200)).toBe(true);
      expect(rounds.map((round) => round.body.archived)).toContain(1);
      expect(await findTask(task.id)).toMatchObject({ upstreamStatus: "completed", archiveState: "archived" });
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("is rate limited on the sign-in budget (3 a minute here): guessing the secret runs out", async () => {
    vi.stubEnv("CRON_SECRET", SECRET);
    try {
      const statuses = [];
      for (let attempt = 0; attempt < 4; attempt++) statuses.push((await call("Bearer guess", "203.0.113.9")).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
