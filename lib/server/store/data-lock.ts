import "server-only";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { dataDir } from "./connection";

const globalForLock = globalThis as typeof globalThis & { __dataDirLock?: Database.Database };

/** The data folder is held by another process (a studio, or a migration of it); the message names that process. */
export class DataDirBusyError extends Error {
  constructor(
    readonly folder: string,
    /** Who holds it, as " (process N on host, since …)", or empty when it did not say. */
    readonly holder: string,
  ) {
    super(
      `Another studio is already running on the data folder ${folder}${holder}. ` +
        "Two studios on one folder would mark each other's generations as “Outcome unknown”. " +
        "Stop the other one first, or give this one its own DATA_DIR.",
    );
    this.name = "DataDirBusyError";
  }
}

/**
 * Takes this process's exclusive hold on the data folder, or throws a message naming the folder and
 * the other studio. The hold is a SQLite write lock on `studio.lock` kept for the life of the
 * connection: the operating system drops it when the process ends however it ends, so a crashed
 * studio never leaves a stale lock and a reused pid never looks like a live owner.
 */
export function lockDataDir(folder = dataDir()): void {
  if (globalForLock.__dataDirLock?.open) return;
  globalForLock.__dataDirLock = holdDataDir(folder).lock;
}

/**
 * The same hold, for a task that ends before the process does (store:migrate): released by `release()`.
 * Throws DataDirBusyError while a studio holds the folder.
 */
export function holdDataDir(folder: string): { lock: Database.Database; release: () => void } {
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const file = path.join(folder, "studio.lock");
  const owner = `${file}.owner`;
  closeSync(openSync(file, "a", 0o600));
  const lock = new Database(file, { timeout: 0 });
  try {
    lock.pragma("locking_mode = EXCLUSIVE");
    // Nothing in it needs to survive a crash: no journal file left beside it.
    lock.pragma("journal_mode = MEMORY");
    // The first write takes the exclusive lock; in this mode it is held until the connection closes.
    lock.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder;");
  } catch (error) {
    lock.close();
    const code = (error as { code?: string }).code;
    if (code !== "SQLITE_BUSY" && code !== "SQLITE_LOCKED") throw error;
    throw new DataDirBusyError(folder, ownerText(owner));
  }
  writeFileSync(owner, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }), {
    mode: 0o600,
  });
  chmodSync(owner, 0o600);
  return { lock, release: () => lock.close() };
}

/** Who holds the folder, as the holder wrote it down (best effort: only for the message). */
function ownerText(owner: string): string {
  try {
    const { pid, host, since } = JSON.parse(readFileSync(owner, "utf8")) as {
      pid?: number;
      host?: string;
      since?: string;
    };
    return ` (process ${pid} on ${host}, since ${since})`;
  } catch {
    return "";
  }
}
