import { describe, expect, it } from "vitest";
import { isTerminal, LIVE_STATUSES, phaseOf } from "@/lib/evolink/contract";
import { insertTask } from "@/lib/server/store/tasks";
import { claimUnfinishedTasks } from "@/lib/server/store/leases";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";

const task = (id: string, upstreamStatus: string) =>
  insertTask(
    {
      id,
      request: {
        ...GENERATION_DEFAULTS,
        prompt: `status ${upstreamStatus}`,
        videoUrl: "https://media.example.com/a.mp4",
      },
      createdAt: Date.now(),
      upstreamStatus,
      progress: 10,
      estimatedSeconds: null,
      creditsReserved: null,
      resultUrl: null,
      error: null,
    },
    null,
  );

describe("task statuses", () => {
  it("maps the documented and tolerated live statuses to their phases", () => {
    expect(phaseOf("pending")).toBe("queued");
    expect(phaseOf("queued")).toBe("queued");
    expect(phaseOf("processing")).toBe("generating");
    expect(phaseOf("running")).toBe("generating");
    expect(phaseOf("completed")).toBe("completed");
  });

  it("ends every other status as a failure, whatever it is called", () => {
    for (const status of ["failed", "cancelled", "canceled", "expired", "paused", "", "constructor", "toString"]) {
      expect(phaseOf(status), status).toBe("failed");
      expect(isTerminal(phaseOf(status))).toBe(true);
    }
  });

  it("the store keeps polling exactly the live statuses, so an unknown one never polls forever", async () => {
    const ids = {
      pending: "task-unified-1700000000-pend0001",
      running: "task-unified-1700000000-runn0001",
      completed: "task-unified-1700000000-comp0001",
      paused: "task-unified-1700000000-paus0001",
      failed: "task-unified-1700000000-fail0001",
    };
    for (const [status, id] of Object.entries(ids)) await task(id, status);
    const polled = await claimUnfinishedTasks();
    expect(polled).toEqual(expect.arrayContaining([ids.pending, ids.running]));
    for (const id of [ids.completed, ids.paused, ids.failed]) expect(polled).not.toContain(id);
    expect(Object.keys(LIVE_STATUSES).sort()).toEqual(["pending", "processing", "queued", "running"]);
  });
});
