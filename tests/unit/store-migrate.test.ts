import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { S3Storage } from "@/lib/server/storage/s3";
import { closeStore, openStore } from "@/lib/server/store/connection";
import { holdDataDir } from "@/lib/server/store/data-lock";
import { listElements } from "@/lib/server/store/elements";
import { countTasks, historyFilter, pageTasks } from "@/lib/server/store/history";
import { migrateStore, type MigrationPlan } from "@/lib/server/store/migrate";
import { startBucket, type RunningBucket } from "../helpers/bucket";
import { seedMigrationHistory, type MigrationHistory } from "../helpers/migration-history";
import { freshPostgresUrl, withPgClient } from "./store-engines";

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

const targetCounts = (url: string) =>
  withPgClient(url, async (client) => {
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

/**
 * The command as `npm run store:migrate --` runs it, on the seeded DATA_DIR and the test bucket's variables. Node
 * itself with tsx's loader (the tsx command would run it in a child process, out of reach of a kill of its pid).
 */
function startCli(args: string[]): ChildProcessWithoutNullStreams {
  const env = { ...saved, ...bucket.env(), DATA_DIR: history.dataDir, LOG_LEVEL: "silent" };
  const argv = ["--conditions=react-server", "--import", "tsx", "lib/server/store/migrate-cli.ts", ...args];
  return spawn(process.execPath, argv, { env });
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = startCli(args);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once("close", (code) => resolve({ code, stdout, stderr })));
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
    // Read and written 64 rows at a time (planFor's batch): never the whole history at once.
    expect(lines.filter((line) => line.startsWith("  tasks: "))).toEqual(
      [64, 128, 192, 256, 300].map((n) => `  tasks: ${n} of ${TASKS} read, ${n} copied`),
    );
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
    await withPgClient(target, (client) =>
      client.query(`UPDATE tasks SET request_json = '{"prompt":"changed"}' WHERE id = $1`, [id]),
    );
    await expect(migrate(planFor(target, "moved"))).rejects.toThrow(
      new RegExp(`different data under the same ids: tasks: 1 \\(${id}\\)\\. Nothing was copied`),
    );
    const kept = await withPgClient(target, (client) =>
      client.query("SELECT request_json FROM tasks WHERE id = $1", [id]),
    );
    expect(kept.rows[0].request_json).toBe('{"prompt":"changed"}');
  }, 60_000);
});

describe("store:migrate's verification", () => {
  it("says NOT verified when a row could not be copied (another unique column clashed)", async () => {
    const url = await freshPostgresUrl();
    // The target's schema, made as the studio makes it, holding an element under the seeded one's key.
    await (await openStore({ engine: "postgres", url })).close();
    await withPgClient(url, async (client) => {
      await client.query(
        `INSERT INTO elements (id, idempotency_key, request_hash, name, description, frontal_image_url,
           extra_image_urls_json, state, created_at, updated_at) VALUES ('el-other', 'el-key-0', 'h', 'n', '', 'u', '[]',
           'ready', 0, 0)`,
      );
    });
    const { verified, lines } = await migrate(planFor(url, null));
    expect(verified).toBe(false);
    expect(lines).toContain("elements: 4 copied, 0 already there; NOT verified: 4 of 5 there, 1 missing");
    expect(lines.at(-1)).toMatch(/^The copy is NOT verified/);
  }, 60_000);
});

describe("store:migrate, cut short", () => {
  it("is finished by the next run after a kill -9 after its first batch, and the result is verified", async () => {
    const url = await freshPostgresUrl();
    const args = ["--to", url, "--storage", `s3://${bucket.bucket}/killed`, "--batch", "20"];
    const child = startCli(args);
    let out = "";
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (/^ {2}tasks: \d+ of \d+ read/m.test(out) && child.kill("SIGKILL")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`the migration ended (${code}) before a batch of tasks:\n${out}`)));
    });
    await new Promise((resolve) => child.once("close", resolve));
    const partial = await targetCounts(url);
    expect(partial.tasks!).toBeGreaterThanOrEqual(20);
    expect(partial.tasks! < TASKS || (await objectSizes("killed")).size < history.files).toBe(true);

    const rerun = await runCli(args);
    expect(rerun.stderr).not.toMatch(/Refusing to migrate|The migration stopped/);
    expect(rerun.code).toBe(0);
    const [, copied, there] = /tasks: (\d+) copied, (\d+) already there; verified 300 of 300/.exec(rerun.stdout) ?? [];
    expect(Number(there)).toBe(partial.tasks);
    expect(Number(copied) + Number(there)).toBe(TASKS);
    expect(rerun.stdout).toMatch(/Done\. Verified\.\n$/);
    expect(await targetCounts(url)).toEqual(sourceCounts());
    expect((await objectSizes("killed")).size).toBe(history.files);
  }, 120_000);
});

describe("store:migrate refuses, copying nothing", () => {
  const tasksIn = (url: string) =>
    withPgClient(
      url,
      async (client) => (await client.query<{ n: number }>("SELECT count(*)::int AS n FROM tasks")).rows[0]!.n,
    );

  it("when the source is missing (and does not make one)", async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "studio-migrate-none-"));
    await expect(migrate(planFor(await freshPostgresUrl(), null, { dataDir }))).rejects.toThrow(
      `there is no SQLite history at ${dataDir}/studio.sqlite. Set DATA_DIR to the folder the studio keeps its data in`,
    );
    expect(existsSync(path.join(dataDir, "studio.sqlite"))).toBe(false);
  });

  it("when --to is not a postgres:// URL", async () => {
    await expect(migrate(planFor("mysql://user:pass@localhost/studio", null))).rejects.toThrow(
      "--to must be a postgres:// URL",
    );
  });

  it("when a studio holds the data folder", async () => {
    const studio = holdDataDir(history.dataDir);
    try {
      await expect(migrate(planFor(await freshPostgresUrl(), null))).rejects.toThrow(
        `a studio is running on the data folder ${history.dataDir} (process ${process.pid} on ${os.hostname()}`,
      );
    } finally {
      studio.release();
    }
  });

  it("when the bucket cannot be reached or refuses the credentials", async () => {
    const url = await freshPostgresUrl();
    const unreachable = { ...bucketSettings("nowhere"), endpoint: "http://127.0.0.1:3899" };
    await expect(migrate(planFor(url, null, { storage: unreachable }))).rejects.toThrow(
      /the bucket of --storage cannot be used: the object storage could not be reached\. .*Nothing was copied\./,
    );
    const refusing = { ...bucketSettings("nowhere"), credentials: { accessKeyId: "WRONG", secretAccessKey: "WRONG" } };
    await expect(migrate(planFor(url, null, { storage: refusing }))).rejects.toThrow(
      "the object storage refused the studio's credentials",
    );
    expect(await tasksIn(url)).toBe(0);
  }, 60_000);

  it("when the target's schema is newer, naming it without its password (the command's exit code 2)", async () => {
    const url = new URL(await freshPostgresUrl());
    await withPgClient(url.toString(), (client) =>
      client.query(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL); " +
          "INSERT INTO schema_migrations VALUES (99, 0)",
      ),
    );
    url.password = "hunter2-secret";
    const { code, stdout, stderr } = await runCli(["--to", url.toString()]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^Refusing to migrate: .*:\*\*\*@127\.0\.0\.1.*\(its schema version 99 is newer than this studio knows/,
    );
    expect(`${stdout}${stderr}`).not.toContain("hunter2");
    const tables = await withPgClient(url.toString(), (client) => client.query("SELECT to_regclass('tasks') AS t"));
    expect(tables.rows[0].t).toBeNull();
  }, 60_000);
});
