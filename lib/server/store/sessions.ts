import "server-only";
import { randomBytes } from "node:crypto";
import { db, statement, type Db } from "./connection";

/** Random key material kept in the database, made once: it survives restarts, so sessions do too. */
export interface SessionKeys {
  /** Signs session cookies when SESSION_SECRET is unset (256 bits). */
  secret: Buffer;
  /** Salt of the scrypt verifier that binds sessions to the current APP_PASSWORD. */
  passwordSalt: Buffer;
}

/**
 * The keys, made on first use. INSERT OR IGNORE lets two processes race safely: both then read the
 * one row that won. Read rarely (once per password), so it is not a cached statement; `connection`
 * lets a test reopen a database file.
 */
export function sessionKeys(connection: Db = db()): SessionKeys {
  connection
    .prepare("INSERT OR IGNORE INTO session_keys (id, secret, password_salt, created_at) VALUES (1, ?, ?, ?)")
    .run(randomBytes(32), randomBytes(16), Date.now());
  const row = connection.prepare("SELECT secret, password_salt FROM session_keys WHERE id = 1").get() as {
    secret: Buffer;
    password_salt: Buffer;
  };
  return { secret: row.secret, passwordSalt: row.password_salt };
}

export function insertSession(idHash: string, expiresAt: number): void {
  statement("INSERT INTO sessions (id_hash, expires_at) VALUES (?, ?)").run(idHash, expiresAt);
}

/** Checked on every request of a signed-in browser, so one indexed lookup on a prepared statement. */
export function sessionExpiresAt(idHash: string): number | undefined {
  const row = statement("SELECT expires_at FROM sessions WHERE id_hash = ?").get(idHash) as
    { expires_at: number } | undefined;
  return row?.expires_at;
}

export function deleteSession(idHash: string): boolean {
  return statement("DELETE FROM sessions WHERE id_hash = ?").run(idHash).changes > 0;
}

/** Drops sessions that have run out; returns how many. */
export function pruneSessions(now = Date.now()): number {
  return statement("DELETE FROM sessions WHERE expires_at <= ?").run(now).changes;
}
