import "server-only";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from "kysely";
import { createRequire } from "node:module";
import type pg from "pg";
import { MIGRATIONS } from "../../schema/migrations";
import { POSTGRES_MIGRATIONS } from "../../schema/migrations-postgres";
import { log } from "../log";
import type { StoreSchema } from "./schema";

/**
 * What differs between the two engines when a store opens: the driver, its settings and the migrations' ledger
 * (PRAGMA user_version for SQLite, a schema_migrations table for PostgreSQL). The queries themselves are shared.
 */
export interface OpenedStore {
  db: Kysely<StoreSchema>;
  /** The SQLite connection under Kysely (null on PostgreSQL): for pragmas and query plans in tests. */
  sqlite: Database.Database | null;
  /** The PostgreSQL pool under Kysely (null on SQLite): the shared rate-limit budgets use it too. */
  pgPool: pg.Pool | null;
  /** Closes the connections (Kysely's own destroy leaves a driver it never used open). */
  close(): Promise<void>;
}

export class DatabaseStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseStartupError";
  }
}

const newerSchema = (applied: number, known: number) =>
  new Error(`its schema version ${applied} is newer than this studio knows (${known}); upgrade the studio`);

/**
 * Opens the SQLite file and brings its schema up to date. A file that is not a database, is locked by another
 * process, or has a newer schema stops the studio with a clear message: it is never reset. The folder is made
 * mode 700 and the files are the owner's alone (0600), whatever the umask.
 */
export function openSqlite(file: string): OpenedStore {
  let raw: Database.Database | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Made here, not by SQLite, so it is private from its first byte; the -wal and -shm files take its mode.
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
    raw = new Database(file, { timeout: 2000 });
    raw.pragma("journal_mode = WAL");
    for (const own of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(own)) tighten(own);
    raw.pragma("foreign_keys = ON");
    raw.pragma("synchronous = NORMAL");
    migrateSqlite(raw);
    const sqlite = raw;
    const db = new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: cachedStatements(sqlite) }) });
    const close = async () => {
      await db.destroy();
      if (sqlite.open) sqlite.close();
    };
    return { db, sqlite, pgPool: null, close };
  } catch (error) {
    raw?.close();
    throw new DatabaseStartupError(explainSqlite(file, error));
  }
}

// Compiling SQL costs more than running these small queries; every poll would otherwise pay it again. The
// statement is looked up through the connection's own prepare each first time, so a test may wrap that.
function cachedStatements(raw: Database.Database): SqliteDatabase {
  const compiled = new Map<string, Database.Statement>();
  return {
    close: () => {
      if (raw.open) raw.close();
    },
    prepare: (text: string) => {
      let statement = compiled.get(text);
      if (!statement) compiled.set(text, (statement = raw.prepare(text)));
      return statement;
    },
  };
}

// A database from before this rule is made private too; one the studio does not own is left as it is.
function tighten(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as { code?: string }).code !== "EPERM") throw error;
  }
}

function migrateSqlite(raw: Database.Database): void {
  const applied = raw.pragma("user_version", { simple: true }) as number;
  if (applied > MIGRATIONS.length) throw newerSchema(applied, MIGRATIONS.length);
  MIGRATIONS.slice(applied).forEach((text, index) => {
    raw.transaction(() => {
      raw.exec(text);
      raw.pragma(`user_version = ${applied + index + 1}`);
    })();
  });
}

function explainSqlite(file: string, error: unknown): string {
  const code = (error as { code?: string }).code ?? "";
  const detail = error instanceof Error ? error.message : String(error);
  const why =
    code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT"
      ? "is not a valid SQLite database (corrupted or overwritten). Restore it from a backup, or move it away to start with an empty history"
      : code === "SQLITE_BUSY" || code === "SQLITE_LOCKED"
        ? "is locked by another process. Stop the other studio instance using this DATA_DIR"
        : code === "SQLITE_CANTOPEN" || code === "EACCES" || code === "EROFS" || code === "ENOTDIR"
          ? "cannot be opened for writing. Check that DATA_DIR exists and is writable"
          : `could not be opened (${detail})`;
  return `The studio database at ${file} ${why}. Nothing was changed.`;
}

// BIGINT (times in ms, byte counts, count(*)) comes back as a string by default; every value the studio keeps is
// far below 2^53, so a number is exact.
const PG_INT8 = 20;
function typeParsers(driver: typeof pg): { getTypeParser: typeof pg.types.getTypeParser } {
  return {
    getTypeParser: ((oid: number, format?: "text" | "binary") =>
      oid === PG_INT8 && format !== "binary"
        ? Number
        : driver.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  };
}

// Any 64-bit number would do: it only has to be the same in every studio migrating one database.
export const MIGRATION_LOCK = 0x5354_5544_494f;

/**
 * Connects to PostgreSQL and brings its schema up to date. Studios starting at once on one empty database
 * take a transaction-level advisory lock first: one migrates, the others wait for its commit, then find it done.
 */
export async function openPostgres(url: string): Promise<OpenedStore> {
  // Loaded only here, so a studio on SQLite never loads the driver; and required, not imported: its ES module entry
  // would be an asynchronous module, and one anywhere makes Next ship async-module support to every page (+0.45 kB).
  const driver = createRequire(import.meta.url)("pg") as typeof pg;
  const pool = new driver.Pool({
    connectionString: url,
    types: typeParsers(driver),
    max: 10,
    connectionTimeoutMillis: 5000,
  });
  // A connection the server closed (a restart, a failover) reports here, idle or in use: its query fails on its own
  // (503 database_unavailable), the process must not, and the pool opens a new one on next use.
  const closed = (error: Error) =>
    log().warn({ err: error }, "a PostgreSQL connection was closed; it is replaced on next use");
  pool.on("error", closed);
  pool.on("connect", (client) => client.on("error", closed));
  const db = new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
  try {
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`.execute(
        trx,
      );
      const { rows } = await sql<{
        version: number | null;
      }>`SELECT max(version) AS version FROM schema_migrations`.execute(trx);
      const applied = rows[0]?.version ?? 0;
      if (applied > POSTGRES_MIGRATIONS.length) throw newerSchema(applied, POSTGRES_MIGRATIONS.length);
      for (let version = applied + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
        await sql.raw(POSTGRES_MIGRATIONS[version - 1] as string).execute(trx);
        await sql`INSERT INTO schema_migrations (version, applied_at) VALUES (${version}, ${Date.now()})`.execute(trx);
      }
    });
    const close = async () => {
      await db.destroy();
      if (!pool.ended) await pool.end();
    };
    return { db, sqlite: null, pgPool: pool, close };
  } catch (error) {
    await db.destroy().catch(() => undefined);
    throw new DatabaseStartupError(explainPostgres(url, error));
  }
}

/** The URL as a message may show it: without its password (or a user's secret in the query). */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    parsed.search = "";
    return parsed.toString();
  } catch {
    return "(DATABASE_URL, not a valid URL)";
  }
}

function explainPostgres(url: string, error: unknown): string {
  const detail = (error instanceof Error ? error.message : String(error)).replaceAll(url, redactedUrl(url));
  const why = storeUnavailable(error)
    ? `cannot be reached (${detail || "connection refused"}). Check that PostgreSQL is running and that DATABASE_URL names it`
    : (error as { code?: string }).code === "28P01"
      ? "refused the user name or password in DATABASE_URL"
      : `could not be opened (${detail})`;
  return `The studio database at ${redactedUrl(url)} ${why}. Nothing was changed.`;
}

// Connection-level failures: refused, reset, timed out, or the server shutting down or starting up
// (SQLSTATE class 08, and 57P01–57P03).
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "57P01",
  "57P02",
  "57P03",
]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|timeout exceeded when trying to connect|connection error|not queryable/i;

/** Whether an error means the database cannot be reached right now (as opposed to a wrong query). */
export function storeUnavailable(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(storeUnavailable)) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code ?? "";
  return UNAVAILABLE_CODES.has(code) || code.startsWith("08") || UNAVAILABLE_MESSAGE.test(error.message);
}
