import "server-only";
import { randomBytes } from "node:crypto";
import { query } from "./connection";

/** Random key material kept in the database, made once: it survives restarts, so sessions do too. */
export interface SessionKeys {
  /** Signs session cookies when SESSION_SECRET is unset (256 bits). */
  secret: Buffer;
  /** Salt of the scrypt verifier that binds sessions to the current APP_PASSWORD. */
  passwordSalt: Buffer;
}

/** The keys, made on first use. Insert-or-nothing lets two processes race safely: both then read the one row that won. */
export async function sessionKeys(): Promise<SessionKeys> {
  const db = await query();
  await db
    .insertInto("session_keys")
    .values({ id: 1, secret: randomBytes(32), password_salt: randomBytes(16), created_at: Date.now() })
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
  const row = await db
    .selectFrom("session_keys")
    .select(["secret", "password_salt"])
    .where("id", "=", 1)
    .executeTakeFirstOrThrow();
  return { secret: Buffer.from(row.secret), passwordSalt: Buffer.from(row.password_salt) };
}

export async function insertSession(idHash: string, expiresAt: number): Promise<void> {
  await (await query()).insertInto("sessions").values({ id_hash: idHash, expires_at: expiresAt }).execute();
}

/** Checked on every request of a signed-in browser, so one lookup by primary key. */
export async function sessionExpiresAt(idHash: string): Promise<number | undefined> {
  const row = await (
    await query()
  )
    .selectFrom("sessions")
    .select("expires_at")
    .where("id_hash", "=", idHash)
    .executeTakeFirst();
  return row?.expires_at;
}

export async function deleteSession(idHash: string): Promise<boolean> {
  const result = await (await query()).deleteFrom("sessions").where("id_hash", "=", idHash).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Drops sessions that have run out; returns how many. */
export async function pruneSessions(now = Date.now()): Promise<number> {
  const result = await (await query()).deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
