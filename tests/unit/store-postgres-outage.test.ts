import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createRoute } from "@/app/api/generations/route";
import { GET as historyRoute } from "@/app/api/tasks/route";
import { ERROR_CATALOG } from "@/lib/errors";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { closeStore } from "@/lib/server/store/connection";
import { findSubmission } from "@/lib/server/store/submissions";
import { findTask } from "@/lib/server/store/tasks";
import { startBackgroundWork } from "@/lib/server/tasks/background";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import type { HistoryPage } from "@/lib/tasks/view";
import { startPgCluster, type PgCluster } from "../helpers/pg-cluster";

// PostgreSQL stopped for 20 s under a running studio: its own cluster, since the run's shared one serves other suites.
const KEY = "sk-test-outage";
const OUTAGE_MS = 20_000;
const saved = { ...process.env };
let cluster: PgCluster;
let sim: RunningSimulator;

beforeAll(async () => {
  cluster = await startPgCluster();
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 3, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "500",
    DATABASE_URL: cluster.url,
  });
}, 60_000);

afterAll(async () => {
  const background = (globalThis as { __background?: { timer: NodeJS.Timeout } }).__background;
  if (background) clearInterval(background.timer);
  await closeStore();
  process.env = saved;
  await sim.close();
  cluster.stop();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const generate = (prompt: string, key: string) =>
  createRoute(
    new Request("http://127.0.0.1:3000/api/generations", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify({ ...GENERATION_DEFAULTS, prompt, videoUrl: "https://media.example.com/a.mp4" }),
    }),
  );
const creates = async (prompt: string) =>
  (
    (await (await fetch(`${sim.url}/__sim/log`)).json()) as { creates: Array<{ body: { prompt?: string } | null }> }
  ).creates.filter((entry) => entry.body?.prompt === prompt).length;

describe("PostgreSQL down for 20 s while the studio runs", () => {
  it("answers 503 with the catalog's message meanwhile; then the poller finishes and archives the task, nothing lost", async () => {
    await startBackgroundWork();
    const made = await generate("before the outage", "outage-key-before-01");
    expect(made.status).toBe(201);
    const { id } = (await made.json()) as { id: string };

    cluster.pause();
    const resumeAt = Date.now() + OUTAGE_MS;
    const listed = await historyRoute(new Request("http://127.0.0.1:3000/api/tasks"));
    expect(listed.status).toBe(503);
    expect(listed.headers.get("retry-after")).toBe("10");
    expect(((await listed.json()) as { error: unknown }).error).toMatchObject({
      code: "database_unavailable",
      message: ERROR_CATALOG.database_unavailable.title,
      action: ERROR_CATALOG.database_unavailable.action,
      retryable: true,
    });
    // The claim comes before the paid create: a Generate while the database is down sends nothing upstream.
    const refused = await generate("during the outage", "outage-key-during-01");
    expect(refused.status).toBe(503);
    expect(await creates("during the outage")).toBe(0);
    await sleep(Math.max(0, resumeAt - Date.now()));
    cluster.resume();

    // No request needed: the background poller reads the store again, sees the task done and archives it.
    const deadline = Date.now() + 30_000;
    while ((await findTask(id).catch(() => undefined))?.archiveState !== "archived") {
      if (Date.now() > deadline) throw new Error("the task was not finished and archived after the outage");
      await sleep(250);
    }
    expect((await findSubmission("outage-key-before-01"))?.state).toBe("created");
    const page = (await (await historyRoute(new Request("http://127.0.0.1:3000/api/tasks"))).json()) as HistoryPage;
    expect(page.tasks.map((task) => [task.id, task.phase])).toEqual([[id, "completed"]]);
    expect(await creates("before the outage")).toBe(1);
    // The refused Generate left nothing behind: sending it again now is a first send, not a replay.
    expect(await findSubmission("outage-key-during-01")).toBeUndefined();
  }, 90_000);
});
