import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archivePath, archiveTask } from "@/lib/server/tasks/archive";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";
import { listHistory } from "@/lib/server/tasks/history";
import { remixValues } from "@/lib/generation/remix";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { DatabaseStartupError, openStore } from "@/lib/server/store/connection";
import { ENGINES, useEngine } from "./store-engines";
import { MIGRATIONS } from "@/lib/schema/migrations";
import {
  findSubmission,
  markInterruptedSubmissions,
  unknownSubmissions,
  beginSubmission,
} from "@/lib/server/store/submissions";
import { findTask, updateTask } from "@/lib/server/store/tasks";
import { IdempotencyConflict, submitGeneration } from "@/lib/server/tasks/submit";
import { refreshTask, toTaskView } from "@/lib/server/tasks/refresh";

let sim: RunningSimulator;
const KEY = "sk-test-history";
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 2, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "1000",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const request = (prompt: string): GenerationRequest => ({
  ...GENERATION_DEFAULTS,
  prompt,
  videoUrl: "https://media.example.com/a.mp4",
});
const simLog = async () =>
  (await (await fetch(`${sim.url}/__sim/log`)).json()) as {
    creates: Array<{ body: { prompt?: string } | null; taskId: string | null }>;
    taskGets: Record<string, number>;
  };
const createsFor = async (prompt: string) => (await simLog()).creates.filter((c) => c.body?.prompt === prompt).length;

describe("database", () => {
  const sqliteFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), "db-")), "studio.sqlite");
  const open = (file: string) => openStore({ engine: "sqlite", file });

  it("applies every migration once and keeps data across reopening", async () => {
    const file = sqliteFile();
    const first = await open(file);
    expect(first.sqlite?.pragma("user_version", { simple: true })).toBe(MIGRATIONS.length);
    first.sqlite
      ?.prepare("INSERT INTO uploads (file_url, kind, original_name, created_at) VALUES ('u', 'image', 'a.png', 1)")
      .run();
    await first.close();
    const again = await open(file);
    expect(await again.db.selectFrom("uploads").select("original_name").execute()).toEqual([
      { original_name: "a.png" },
    ]);
    await again.close();
  });

  it("refuses a corrupted file without touching it", async () => {
    const file = sqliteFile();
    const garbage = Buffer.from("definitely not sqlite ".repeat(300));
    writeFileSync(file, garbage);
    await expect(open(file)).rejects.toThrow(DatabaseStartupError);
    await expect(open(file)).rejects.toThrow(/is not a valid SQLite database/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it("refuses a database with a newer schema than this studio knows", async () => {
    const file = sqliteFile();
    const future = new Database(file);
    future.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    future.close();
    await expect(open(file)).rejects.toThrow(/newer than this studio knows/);
  });

  it("refuses a database another process holds locked", async () => {
    const file = sqliteFile();
    await (await open(file)).close();
    const locker = new Database(file);
    locker.pragma("journal_mode = DELETE");
    locker.exec("BEGIN EXCLUSIVE");
    try {
      await expect(open(file)).rejects.toThrow(/locked by another process/);
    } finally {
      locker.exec("ROLLBACK");
      locker.close();
    }
  });
});

describe.each(ENGINES)("on %s", (engine) => {
  useEngine(engine);

  describe("idempotent submit", () => {
    it("the same key twice creates one task and returns it both times", async () => {
      const prompt = `twice ${Date.now()}`;
      const first = await submitGeneration(request(prompt), "key-twice-0001");
      const second = await submitGeneration(request(prompt), "key-twice-0001");
      expect(first.replayed).toBe(false);
      expect(second.replayed).toBe(true);
      expect(second.task.id).toBe(first.task.id);
      expect(await createsFor(prompt)).toBe(1);
    });

    it("concurrent requests with one key (a double click) share one upstream create", async () => {
      const prompt = `double click ${Date.now()}`;
      const results = await Promise.all(
        Array.from({ length: 5 }, () => submitGeneration(request(prompt), "key-double-0001")),
      );
      expect(new Set(results.map((r) => r.task.id)).size).toBe(1);
      expect(await createsFor(prompt)).toBe(1);
    });

    it("takes sent within one second are listed in the order they were sent", async () => {
      const stamp = Date.now();
      const sent = [];
      for (const n of [1, 2, 3])
        sent.push((await submitGeneration(request(`take ${n} ${stamp}`), `key-order-${stamp}-${n}`)).task);
      const newestFirst = (await listHistory()).tasks.slice(0, 3).map((task) => task.id);
      expect(newestFirst).toEqual(sent.map((task) => task.id).reverse());
    });

    it("the same key with a different request is a conflict and sends nothing", async () => {
      await submitGeneration(request(`original ${Date.now()}`), "key-conflict-01");
      const changed = `changed ${Date.now()}`;
      await expect(submitGeneration(request(changed), "key-conflict-01")).rejects.toBeInstanceOf(IdempotencyConflict);
      expect(await createsFor(changed)).toBe(0);
    });

    it("a refusal is replayed for the same key, not resent", async () => {
      const prompt = `refused ${Date.now()} [sim:insufficient-quota]`;
      await expect(submitGeneration(request(prompt), "key-refused-01")).rejects.toMatchObject({
        code: "insufficient_quota",
      });
      await expect(submitGeneration(request(prompt), "key-refused-01")).rejects.toMatchObject({
        code: "insufficient_quota",
      });
      expect(await createsFor(prompt)).toBe(1);
    });

    it("the submission is recorded before the upstream call; a crash leaves it unknown, never resent", async () => {
      const prompt = `crashed ${Date.now()}`;
      // What a process that died mid-create leaves behind: a claimed key with no outcome.
      // Claimed with the same request's hash, so the replay below is judged on its outcome, not refused as a different request.
      const requestJson = JSON.stringify(request(prompt));
      expect(
        await beginSubmission("key-crashed-01", createHash("sha256").update(requestJson).digest("hex"), requestJson),
      ).toBe(true);
      expect(await markInterruptedSubmissions()).toBeGreaterThanOrEqual(1);
      expect((await findSubmission("key-crashed-01"))?.state).toBe("unknown");
      expect((await unknownSubmissions()).some((s) => s.prompt === prompt)).toBe(true);
      await expect(submitGeneration(request(prompt), "key-crashed-01")).rejects.toMatchObject({
        code: "create_outcome_unknown",
      });
      expect(await createsFor(prompt)).toBe(0);
      expect((await listHistory()).unknownSubmissions.find((s) => s.prompt === prompt)?.cause).toBe("interrupted");
    });

    it("a create that got no answer is unknown, replayed as unknown, and listed with its cause", async () => {
      const prompt = `unanswered ${Date.now()} [sim:create-reset]`;
      await expect(submitGeneration(request(prompt), "key-unanswered-01")).rejects.toMatchObject({
        code: "create_outcome_unknown",
      });
      await expect(submitGeneration(request(prompt), "key-unanswered-01")).rejects.toMatchObject({
        code: "create_outcome_unknown",
      });
      expect(await createsFor(prompt)).toBe(1);
      expect((await listHistory()).unknownSubmissions.find((s) => s.prompt === prompt)?.cause).toBe("no_answer");
    });
  });

  describe("coalesced polling", () => {
    it("many concurrent watchers cost one upstream GET per poll interval", async () => {
      const { task } = await submitGeneration(request(`watched ${Date.now()}`), "key-watched-01");
      const before = (await simLog()).taskGets[task.id] ?? 0;
      await Promise.all(Array.from({ length: 50 }, () => refreshTask(task.id)));
      await Promise.all(Array.from({ length: 50 }, () => refreshTask(task.id)));
      expect(((await simLog()).taskGets[task.id] ?? 0) - before).toBe(1);
    });

    it("tells the browser to come back just after the next upstream refresh is allowed", async () => {
      const { task } = await submitGeneration(request(`paced ${Date.now()}`), "key-paced-01");
      expect(task.pollAfterMs).toBeGreaterThanOrEqual(1000 + 20);
      expect(task.pollAfterMs).toBeLessThanOrEqual(1000 + 60);
      const fresh = await refreshTask(task.id);
      expect(fresh?.pollAfterMs).toBeGreaterThanOrEqual(1000 - 250);
      expect(fresh?.pollAfterMs).toBeLessThanOrEqual(1000 + 60);
      // Half an interval later the same state is served from the store, and the wait shrinks with it.
      await updateTask(task.id, { polledAt: Date.now() - 600 });
      const served = await refreshTask(task.id);
      expect(served?.pollAfterMs).toBeGreaterThanOrEqual(400 + 20 - 50);
      expect(served?.pollAfterMs).toBeLessThanOrEqual(400 + 60);
      // Overdue: come back almost at once; that poll refreshes from the upstream.
      await updateTask(task.id, { polledAt: Date.now() - 5000 });
      expect((await toTaskView((await findTask(task.id))!)).pollAfterMs).toBeLessThanOrEqual(60);
      expect(served?.pollIntervalMs).toBe(1000);
    });

    it("an id this studio did not create is never asked upstream", async () => {
      const before = await simLog();
      expect(await refreshTask("task-unified-1757169743-7cvnl5zw")).toBeNull();
      expect((await simLog()).taskGets["task-unified-1757169743-7cvnl5zw"]).toBe(
        before.taskGets["task-unified-1757169743-7cvnl5zw"],
      );
    });
  });

  describe("archive", () => {
    async function completedTask(prompt: string, key: string) {
      const { task } = await submitGeneration(request(prompt), key);
      const deadline = Date.now() + 15_000;
      for (;;) {
        const view = await refreshTask(task.id).catch(() => null);
        if (view?.upstreamStatus === "completed") return (await findTask(task.id))!;
        if (Date.now() > deadline) throw new Error("task did not complete");
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }

    it("copies the result, replacing a partial file a crash left behind", async () => {
      const record = await completedTask(`archived ${Date.now()}`, "key-archive-01");
      await archiveTask((await findTask(record.id))!).catch(() => undefined);
      writeFileSync(`${archivePath(record.id)}.part`, "half a file");
      await updateTask(record.id, { archiveState: "none" });
      await archiveTask((await findTask(record.id))!);
      const saved = (await findTask(record.id))!;
      expect(saved.archiveState).toBe("archived");
      expect(readFileSync(archivePath(record.id)).subarray(4, 8).toString()).toBe("ftyp");
      expect(saved.archiveBytes).toBe(readFileSync(archivePath(record.id)).length);
      expect(existsSync(`${archivePath(record.id)}.part`)).toBe(false);
    });

    it("marks a result whose link already died as expired upstream", async () => {
      const record = await completedTask(`dead link ${Date.now()}`, "key-archive-02");
      await updateTask(record.id, {
        resultUrl: `${sim.url}/cdn/results/task-unified-1757169743-zzzzzzzz.mp4`,
        archiveState: "none",
      });
      await archiveTask((await findTask(record.id))!);
      expect((await findTask(record.id))!.archiveState).toBe("expired");
      expect(existsSync(archivePath(record.id))).toBe(false);
    });

    it("records a clear error when the archive folder cannot be created, and keeps the task recoverable", async () => {
      const record = await completedTask(`no disk ${Date.now()}`, "key-archive-03");
      const blocker = path.join(mkdtempSync(path.join(os.tmpdir(), "blk-")), "file");
      writeFileSync(blocker, "x");
      process.env.ARCHIVE_DIR = path.join(blocker, "videos");
      try {
        await updateTask(record.id, { archiveState: "none" });
        await archiveTask((await findTask(record.id))!);
        const failed = (await findTask(record.id))!;
        expect(failed.archiveState).toBe("failed");
        expect(failed.archiveError).toMatch(/Could not save a copy: .* is not a usable folder/);
        expect(failed.resultUrl).not.toBeNull();
      } finally {
        delete process.env.ARCHIVE_DIR;
      }
    });
  });
});

describe("remix", () => {
  it("fills every setting and leaves out expired uploads, dropping their tokens and renumbering the rest", () => {
    const task = {
      request: {
        ...request("<<<image_1>>> and <<<image_2>>> in <<<video_1>>>"),
        imageUrls: ["https://f/1.png", "https://f/2.png"],
        duration: 7,
      },
      references: [
        {
          url: "https://media.example.com/a.mp4",
          kind: "video" as const,
          name: "clip.mp4",
          expiresAt: "2026-01-01T00:00:00Z",
          kept: null,
        },
        {
          url: "https://f/1.png",
          kind: "image" as const,
          name: "one.png",
          expiresAt: "2026-01-01T00:00:00Z",
          kept: null,
        },
        {
          url: "https://f/2.png",
          kind: "image" as const,
          name: "two.png",
          expiresAt: "2099-01-01T00:00:00Z",
          kept: null,
        },
      ],
    };
    const remix = remixValues(task, Date.parse("2026-06-01T00:00:00Z"));
    expect(remix.values.duration).toBe(7);
    expect(remix.values.videoUrl).toBe("");
    expect(remix.pastedImageUrls).toEqual(["https://f/2.png"]);
    expect(remix.values.prompt).toBe("and <<<image_1>>> in <<<video_1>>>");
    expect(remix.expired).toEqual(["video “clip.mp4”", "image 1 “one.png”"]);
  });
});
