import "server-only";

import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { config } from "../config";
import { MIGRATIONS } from "../../schema/migrations";

export type Db = Database.Database;

/** Where the studio keeps its database and archived videos (`DATA_DIR`, default ./data). */
export function dataDir(): string {
  return config().dataDir;
}

export class DatabaseStartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DatabaseStartupError";
  }
}

/**
 * Opens the database and brings its schema up to date. A file that is not a database, is locked by
 * another process, or has a newer schema stops the studio with a clear message: it is never reset.
 * The folder is made mode 700 and the files are the owner's alone (0600), whatever the umask.
 */
export function openDatabase(file = path.join(dataDir(), "studio.sqlite")): Db {
  let db: Db | undefined;
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Made here, not by SQLite, so it is private from its first byte; the -wal and -shm files take its mode.
    if (!existsSync(file)) closeSync(openSync(file, "a", 0o600));
    db = new Database(file, { timeout: 2000 });
    db.pragma("journal_mode = WAL");
    for (const own of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(own)) tighten(own);
    db.pragma("foreign_keys = ON");
    db.pragma("synchronous = NORMAL");
    migrate(db);
    return db;
  } catch (error) {
    db?.close();
    throw new DatabaseStartupError(explain(file, error));
  }
}

// A database from before this rule is made private too; one the studio does not own is left as it is.
function tighten(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as { code?: string }).code !== "EPERM") throw error;
  }
}

function migrate(db: Db): void {
  const applied = db.pragma("user_version", { simple: true }) as number;
  if (applied > MIGRATIONS.length) {
    throw new Error(
      `its schema version ${applied} is newer than this studio knows (${MIGRATIONS.length}); upgrade the studio`,
    );
  }
  MIGRATIONS.slice(applied).forEach((sql, index) => {
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${applied + index + 1}`);
    })();
  });
}

function explain(file: string, error: unknown): string {
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

const globalForDb = globalThis as typeof globalThis & { __studioDb?: Db };

/** The process-wide connection (route bundles and the poller share it through globalThis). */
export function db(): Db {
  globalForDb.__studioDb ??= openDatabase();
  return globalForDb.__studioDb;
}

// Compiling SQL costs more than running these small queries; every poll would otherwise pay it again.
const preparedByDb = new WeakMap<Db, Map<string, Database.Statement>>();

/** The connection's prepared statement for `sql`, compiled once. */
export function statement(sql: string): Database.Statement {
  const connection = db();
  let prepared = preparedByDb.get(connection);
  if (!prepared) preparedByDb.set(connection, (prepared = new Map()));
  let compiled = prepared.get(sql);
  if (!compiled) prepared.set(sql, (compiled = connection.prepare(sql)));
  return compiled;
}
