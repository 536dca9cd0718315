import { describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import {
  claimPollSlot,
  claimTaskLease,
  claimTasksAwaitingArchive,
  claimUnfinishedTasks,
  releaseTaskLease,
  type LeaseClaim,
} from "@/lib/server/store/leases";
import { insertTask } from "@/lib/server/store/tasks";
import { ENGINES, useEngine } from "./store-engines";

// Two instances on one database, played by two claimers (two owners, queries in flight at once: on PostgreSQL
// each on its own pooled connection): the poll slot has one winner per interval, a lease one holder at a time.

let serial = 0;
const newId = () => `task-unified-1700000000-${(serial++).toString(36).padStart(8, "a")}`;

async function task(upstreamStatus: string, resultUrl: string | null = null): Promise<string> {
  const id = newId();
  await insertTask(
    {
      id,
      request: { ...GENERATION_DEFAULTS, prompt: "<<<video_1>>> a lease", videoUrl: "https://m.example.com/a.mp4" },
      createdAt: Date.now(),
      upstreamStatus,
      progress: 0,
      estimatedSeconds: null,
      creditsReserved: null,
      resultUrl,
      error: null,
    },
    null,
  );
  return id;
}

const lease = (owner: string, now: number, ms = 1000): LeaseClaim => ({ owner, ms, now });
const sorted = (ids: string[]) => [...ids].sort();

describe.each(ENGINES)("leases on %s", (engine) => {
  useEngine(engine);

  it("the poll slot: of two claimers at once exactly one wins each interval, and none before it ends", async () => {
    const id = await task("processing");
    const interval = 1000;
    const start = Date.now();
    for (let round = 0; round < 5; round++) {
      const now = start + round * interval;
      const claims = await Promise.all([claimPollSlot(id, interval, now), claimPollSlot(id, interval, now)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await claimPollSlot(id, interval, now + interval - 1)).toBe(false);
    }
  });

  it("a batch lease is held by one owner, renewed by it, and taken over once it lapses", async () => {
    const ids = [await task("processing"), await task("queued"), await task("pending")];
    await task("completed");
    const t = Date.now() + 60_000;
    // Earlier cases' running tasks are due too: A takes them all.
    const held = sorted(await claimUnfinishedTasks(lease("A", t)));
    expect(held).toEqual(expect.arrayContaining(ids));
    expect(await claimUnfinishedTasks(lease("B", t + 10))).toEqual([]);
    // A renews at each tick: its lease now runs to t + 1500, so B still gets nothing at t + 1200.
    expect(sorted(await claimUnfinishedTasks(lease("A", t + 500)))).toEqual(held);
    expect(await claimUnfinishedTasks(lease("B", t + 1200))).toEqual([]);
    // A stopped (killed): within one lease B has every task, and A, back, has none of them.
    expect(sorted(await claimUnfinishedTasks(lease("B", t + 1500)))).toEqual(held);
    expect(await claimUnfinishedTasks(lease("A", t + 1600))).toEqual([]);
  });

  it("two owners claiming at the same moment get disjoint batches that cover every due task", async () => {
    const ids = await Promise.all(Array.from({ length: 8 }, () => task("processing")));
    const t = Date.now() + 120_000;
    const [a, b] = await Promise.all([claimUnfinishedTasks(lease("A", t)), claimUnfinishedTasks(lease("B", t))]);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    expect(sorted([...a, ...b])).toEqual(expect.arrayContaining(sorted(ids)));
  });

  it("the archive claim: one owner per completed task, given back when its copy ends", async () => {
    const id = await task("completed", "https://results.example.com/a.mp4");
    const t = Date.now() + 180_000;
    const [a, b] = await Promise.all([
      claimTasksAwaitingArchive(10, lease("A", t)),
      claimTasksAwaitingArchive(10, lease("B", t)),
    ]);
    const holders = [a, b].filter((batch) => batch.some((record) => record.id === id));
    expect(holders).toHaveLength(1);
    const [owner, other] = a.some((record) => record.id === id) ? ["A", "B"] : ["B", "A"];
    expect(await claimTaskLease(id, lease(other, t + 1))).toBe(false);
    await releaseTaskLease(id, other);
    expect(await claimTaskLease(id, lease(other, t + 2))).toBe(false);
    await releaseTaskLease(id, owner);
    expect(await claimTaskLease(id, lease(other, t + 3))).toBe(true);
  });
});
