import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { S3Storage } from "@/lib/server/storage/s3";
import { closeStore } from "@/lib/server/store/connection";
import { holdDataDir } from "@/lib/server/store/data-lock";
import { listElements } from "@/lib/server/store/elements";
import { countTasks, historyFilter, pageTasks } from "@/lib/server/store/history";
import { migrateStore, type MigrationPlan } from "@/lib/server/store/migrate";
import { startBucket, type RunningBucket } from "../helpers/bucket";
import { seedMigrationHistory, type MigrationHistory } from "../helpers/migration-history";
import { freshPostgresUrl } from "./store-engines";

// `npm run store:migrate`: a seeded SQLite history and its archive folder, copied into the unit run's PostgreSQL
// and an s3rver bucket, then read back through the studio's own store.

const TABLES = ["submissions", "tasks", "uploads", "session_keys", "sessions", "deleted_tasks", "elements"];
const TASKS = 300;

let bucket: RunningBucket;
let history: MigrationHistory;
const saved = { ...process.env };

beforeAll(async () => {
  bucket = await startBucket();
  history = seedMigrationHistory(TASKS);
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await closeStore();
  await bucket.stop();
});

function bucketSettings(prefix: string): NonNullable<MigrationPlan["storage"]> {
  const settings = loadConfig({ ...saved, ...bucket.env(prefix) }).storage;
  if (settings.kind !== "s3") throw new Error("the test bucket's variables did not name a bucket");
  return settings;
}

function planFor(to: string, prefix: string | null, changes: Partial<MigrationPlan> = {}): MigrationPlan {
  const storage = prefix === null ? null : bucketSettings(prefix);
  return { dataDir: history.dataDir, archiveDir: history.archiveDir, to, storage, batchSize: 64, ...changes };
}

async function migrate(plan: MigrationPlan): Promise<{ verified: boolean; lines: string[] }> {
  const lines: string[] = [];
  const verified = await migrateStore(plan, (line) => lines.push(line));
  return { verified, lines };
}

async function onTarget<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const targetCounts = (url: string) =>
  onTarget(url, async (client) => {
    const counts: Record<string, number> = {};
    for (const table of TABLES)
      counts[table] = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
    return counts;
  });

function sourceCounts(): Record<string, number> {
  const db = new Database(path.join(history.dataDir, "studio.sqlite"), { readonly: true });
  try {
    return Object.fromEntries(
      TABLES.map((table) => [table, (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}

async function objectSizes(prefix: string): Promise<Map<string, number>> {
  const { client } = new S3Storage(bucketSettings(prefix), os.tmpdir());
  const sizes = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: `${prefix}/`, ContinuationToken: token }),
    );
    for (const item of page.Contents ?? []) sizes.set(item.Key!.slice(prefix.length + 1), item.Size ?? -1);
    token = page.NextContinuationToken;
  } while (token);
  return sizes;
}

/** The same reads through the studio's store: the SQLite file (no URL), or the PostgreSQL copy. */
async function readThroughStore(databaseUrl: string | null) {
  await closeStore();
  process.env = { ...saved, DATA_DIR: history.dataDir };
  if (databaseUrl) process.env.DATABASE_URL = databaseUrl;
  else delete process.env.DATABASE_URL;
  const all = historyFilter("all", "", false);
  const first = await pageTasks(all, "newest", null, 50);
  const last = first[first.length - 1]!;
  const reads = {
    counts: await countTasks(all),
    first,
    second: await pageTasks(all, "newest", { createdAt: last.createdAt, id: last.id }, 50),
    search: await pageTasks(historyFilter("all", "word12", false), "newest", null, 100),
    searchCounts: await countTasks(historyFilter("all", "word12", false)),
    starred: await pageTasks(historyFilter("completed", "", true), "oldest", null, 100),
    elements: await listElements(),
  };
  await closeStore();
  process.env = { ...saved };
  return reads;
}

describe("store:migrate", () => {
  let target: string;

  it("copies every table and every kept file, verifies them, and the PostgreSQL store reads the same", async () => {
    target = await freshPostgresUrl();
    const { verified, lines } = await migrate(planFor(target, "moved"));
    expect(verified).toBe(true);
    expect(lines).toContain(`tasks: ${TASKS} copied, 0 already there; verified ${TASKS} of ${TASKS}`);
    expect(lines.some((line) => line.startsWith(`files: ${history.files} copied, 0 skipped`))).toBe(true);
    expect(await targetCounts(target)).toEqual(sourceCounts());
    const sizes = await objectSizes("moved");
    expect(sizes.size).toBe(history.files);
    expect(sizes.get(`${history.ids[0]}.mp4`)).toBe(16);
    expect(sizes.get(`${history.ids[0]}.reference.mp4`)).toBe(3000);
    expect(sizes.has(`${history.ids[0]}.mp4.part`)).toBe(false);

    const before = await readThroughStore(null);
    const after = await readThroughStore(target);
    expect(after).toEqual(before);
    // The reads are not trivially equal: each holds what the seeded history does.
    expect(before.counts.all).toBe(TASKS);
    expect(before.counts.starred).toBe(history.starred);
    expect(before.second).toHaveLength(50);
    expect(before.search.length).toBeGreaterThan(1);
    expect(before.starred.length).toBeGreaterThan(1);
    expect(before.elements).toHaveLength(5);
  }, 120_000);

  it("copies nothing on a second run, and says so", async () => {
    const { verified, lines } = await migrate(planFor(target, "moved"));
    expect(verified).toBe(true);
    expect(lines).toContain(`tasks: 0 copied, ${TASKS} already there; verified ${TASKS} of ${TASKS}`);
    expect(lines.some((line) => line.startsWith(`files: 0 copied, ${history.files} skipped`))).toBe(true);
    expect(lines.at(-1)).toMatch(/^Nothing new to copy: everything was already there\. Verified\.$/);
  }, 60_000);

  it("refuses a target that holds other data under the same ids, and overwrites nothing", async () => {
    const id = history.ids[5]!;
    await onTarget(target, (client) =>
      client.query(`UPDATE tasks SET request_json = '{"prompt":"changed"}' WHERE id = $1`, [id]),
    );
    await expect(migrate(planFor(target, "moved"))).rejects.toThrow(
      new RegExp(`different data under the same ids: tasks: 1 \\(${id}\\)\\. Nothing was copied`),
    );
    const kept = await onTarget(target, (client) => client.query("SELECT request_json FROM tasks WHERE id = $1", [id]));
    expect(kept.rows[0].request_json).toBe('{"prompt":"changed"}');
  }, 60_000);
});
