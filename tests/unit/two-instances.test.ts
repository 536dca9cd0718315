import { readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { claimTaskLease } from "@/lib/server/store/leases";
import { findTask, updateTask } from "@/lib/server/store/tasks";
import { archiveDir, archiveTask } from "@/lib/server/tasks/archive";
import { refreshTask, refreshTaskNow } from "@/lib/server/tasks/refresh";
import { submitGeneration } from "@/lib/server/tasks/submit";
import { ENGINES, useEngine } from "./store-engines";

// Two studio instances on one database, in one test process: the second is a fresh copy of the refresh module
// with its own in-process single-flight map (as another process has), sharing only the store.
const KEY = "sk-test-two-instances";
const INTERVAL = 400;
// The simulator's tasks finish after 3 s: the polling case is over before, the others wait for it.
const TASK_MS = 3_200;
const saved = { ...process.env };
let sim: RunningSimulator;

type Refresh = typeof import("@/lib/server/tasks/refresh");
async function secondInstance(): Promise<Refresh> {
  const global = globalThis as { __refreshing?: unknown; __refreshedNowAt?: unknown };
  const [refreshing, refreshedNowAt] = [global.__refreshing, global.__refreshedNowAt];
  delete global.__refreshing;
  delete global.__refreshedNowAt;
  vi.resetModules();
  const other = await import("@/lib/server/tasks/refresh");
  Object.assign(global, { __refreshing: refreshing, __refreshedNowAt: refreshedNowAt });
  return other;
}

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 3, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: String(INTERVAL),
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const taskGets = async (id: string) =>
  ((await (await fetch(`${sim.url}/__sim/log`)).json()) as { taskGets: Record<string, number> }).taskGets[id] ?? 0;

async function submit(prompt: string): Promise<string> {
  const { task } = await submitGeneration({ ...GENERATION_DEFAULTS, prompt, videoUrl: "https://m.example.com/a.mp4" });
  return task.id;
}

describe.each(ENGINES)("two instances on %s", (engine) => {
  useEngine(engine);

  it("polling one task from both, as often as they like, asks the upstream at most once per interval", async () => {
    const id = await submit("<<<video_1>>> two instances poll one task");
    const b = await secondInstance();
    const started = Date.now();
    // Both instances' pollers and browsers ask every 25 ms for ~6 intervals.
    while (Date.now() - started < 6 * INTERVAL) {
      await Promise.all([refreshTask(id), b.refreshTask(id), refreshTask(id), b.refreshTask(id)]);
      await sleep(25);
    }
    // Each GET follows a claim at least one interval after the one before: over `elapsed` that is at most
    // floor(elapsed / interval) + 1, however both instances were scheduled (a loaded machine only makes fewer).
    const elapsed = Date.now() - started;
    const gets = await taskGets(id);
    expect(gets).toBeGreaterThanOrEqual(2);
    expect(gets).toBeLessThanOrEqual(Math.floor(elapsed / INTERVAL) + 1);
  });

  it("a callback's refresh on the other instance finishes the task in the shared store", async () => {
    const id = await submit("<<<video_1>>> a callback lands on B");
    const b = await secondInstance();
    await refreshTask(id);
    await sleep(TASK_MS);
    expect((await b.refreshTaskNow(id))?.phase).toBe("completed");
    expect((await findTask(id))?.upstreamStatus).toBe("completed");
    // A answers from the store: no further GET for a finished task.
    const gets = await taskGets(id);
    expect((await refreshTask(id))?.phase).toBe("completed");
    expect(await taskGets(id)).toBe(gets);
  });

  it("archiving waits for the task's lease: a holder elsewhere copies, and after a kill -9 one copy is redone", async () => {
    const id = await submit("<<<video_1>>> archive under lease");
    await sleep(TASK_MS);
    await refreshTaskNow(id);
    const completed = await findTask(id);
    if (!completed?.resultUrl) throw new Error("expected a result");
    // Another instance holds the lease (it is copying): this one makes no copy.
    expect(await claimTaskLease(id, { owner: "other", ms: 60_000, now: Date.now() })).toBe(true);
    await archiveTask(completed);
    expect((await findTask(id))?.archiveState).toBe("none");
    // It was killed mid-copy: its lease lapses, this instance copies, under the one key.
    expect(await claimTaskLease(id, { owner: "other", ms: 1, now: Date.now() - 10 })).toBe(true);
    await archiveTask(completed);
    expect((await findTask(id))?.archiveState).toBe("archived");
    // A redo (the killed copy's row said 'none') overwrites the same object: one file, never two.
    await updateTask(id, { archiveState: "none" });
    await archiveTask(completed);
    const copies = readdirSync(archiveDir()).filter((name) => name.startsWith(id) && name.endsWith(".mp4"));
    expect(copies.map((name) => path.basename(name))).toEqual([`${id}.mp4`]);
  });
});
