import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import { closeStore, store } from "@/lib/server/store/connection";

/** The engines every store suite runs against (describe.each), the default first. */
export const ENGINES = ["sqlite", "postgres"] as const;
export type TestEngine = (typeof ENGINES)[number];

/** A new, empty database in the run's PostgreSQL cluster (pg-global-setup.ts); its URL. */
/** One connection to `url` for `work`, closed afterwards. */
export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function freshPostgresUrl(): Promise<string> {
  const admin = inject("pgUrl");
  const name = `studio_${process.pid}_${randomBytes(4).toString("hex")}`;
  await withPgClient(admin, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Points the studio's store at `engine` for the enclosing describe, on an empty database: a new DATA_DIR for
 * SQLite, a new database (DATABASE_URL) for PostgreSQL.
 */
export function useEngine(engine: TestEngine): void {
  beforeAll(async () => {
    await closeStore();
    process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), `studio-unit-${engine}-`));
    if (engine === "postgres") process.env.DATABASE_URL = await freshPostgresUrl();
    else delete process.env.DATABASE_URL;
  });
  afterAll(async () => {
    await closeStore();
    delete process.env.DATABASE_URL;
  });
}

/** The SQLite connection under the studio's store, for suites that read rows directly (SQLite runs only). */
export async function rawSqlite(): Promise<import("better-sqlite3").Database> {
  const { sqlite } = await store();
  if (!sqlite) throw new Error("this suite reads the SQLite file directly; run it without DATABASE_URL");
  return sqlite;
}
