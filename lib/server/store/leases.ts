import "server-only";
import { randomUUID } from "node:crypto";
import type { ExpressionBuilder } from "kysely";
import { config } from "../config";
import { engine, query } from "./connection";
import type { StoreSchema } from "./schema";
import { awaitingArchive, fromRow, unfinished, type TaskRecord } from "./tasks";

/**
 * What lets several studio instances share one database (issue #15, README "Several instances"): the poll slot,
 * so at most one of them asks the upstream about a task per poll interval, and the lease, so one of them at a
 * time advances a task (polls it in the background, archives it). Both are conditional UPDATEs: the database
 * decides the one winner. On SQLite (one writer) the same statements are atomic as they are.
 */

const globalForLeases = globalThis as typeof globalThis & { __instanceId?: string };

/** This process's name in `lease_owner`: new at each start, so a restarted instance takes over after expiry too. */
export function instanceId(): string {
  return (globalForLeases.__instanceId ??= randomUUID());
}

/**
 * How long a lease lasts: three poll intervals. The holder renews it every tick (one interval), so it lapses
 * only when the holder stops (killed, hung); another instance then takes the task over within one lease.
 */
export function leaseMs(): number {
  return 3 * config().pollIntervalMs;
}

/** A lease as the claims take it: who, for how long, at what time (tests pass their own). */
export interface LeaseClaim {
  owner: string;
  ms: number;
  now: number;
}

export const ownLease = (): LeaseClaim => ({ owner: instanceId(), ms: leaseMs(), now: Date.now() });

/**
 * Claims the task's next poll slot: true for the one caller (in any instance) whose UPDATE moved it, which then
 * asks the upstream; every other caller within the interval answers from the stored row.
 */
export async function claimPollSlot(id: string, intervalMs: number, now = Date.now()): Promise<boolean> {
  const result = await (
    await query()
  )
    .updateTable("tasks")
    .set({ next_poll_at: now + intervalMs })
    .where("id", "=", id)
    .where("next_poll_at", "<=", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Moves the poll slot on whoever holds it (a callback's refresh asks now): regular polls wait an interval after. */
export async function takePollSlot(id: string, intervalMs: number, now = Date.now()): Promise<void> {
  await (
    await query()
  )
    .updateTable("tasks")
    .set({ next_poll_at: now + intervalMs })
    .where("id", "=", id)
    .execute();
}

const free = (lease: LeaseClaim) => (eb: ExpressionBuilder<StoreSchema, "tasks">) =>
  eb.or([eb("lease_until", "<=", lease.now), eb("lease_owner", "=", lease.owner)]);

/** Takes (or renews) one task's lease when it is free, expired or already this owner's: true when it is now held. */
export async function claimTaskLease(id: string, lease: LeaseClaim = ownLease()): Promise<boolean> {
  const result = await (
    await query()
  )
    .updateTable("tasks")
    .set({ lease_owner: lease.owner, lease_until: lease.now + lease.ms })
    .where("id", "=", id)
    .where(free(lease))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives a held lease back early (an archive copy ended), so any instance may take the task up again. */
export async function releaseTaskLease(id: string, owner = instanceId()): Promise<void> {
  await (
    await query()
  )
    .updateTable("tasks")
    .set({ lease_until: 0 })
    .where("id", "=", id)
    .where("lease_owner", "=", owner)
    .execute();
}

// Enough for one tick; the rest wait for the next one, or another instance takes them meanwhile.
const BATCH = 100;

type Due = (eb: ExpressionBuilder<StoreSchema, "tasks">) => ReturnType<typeof unfinished>;

/**
 * Claims up to a batch of the tasks `due` selects whose lease is free, expired or ours, and returns them. On
 * PostgreSQL the candidates are locked FOR UPDATE SKIP LOCKED, so instances claiming at the same moment each take
 * other rows instead of waiting on one another; the lease condition is checked again on the rows updated.
 */
async function claimBatch(due: Due, lease: LeaseClaim): Promise<TaskRecord[]> {
  const db = await query();
  const postgres = (await engine()) === "postgres";
  const candidates = db
    .selectFrom("tasks")
    .select("id")
    .where(due)
    .where(free(lease))
    .limit(BATCH)
    .$if(postgres, (select) => select.forUpdate().skipLocked());
  const rows = await db
    .updateTable("tasks")
    .set({ lease_owner: lease.owner, lease_until: lease.now + lease.ms })
    .where("id", "in", candidates)
    .where(free(lease))
    .returningAll()
    .execute();
  return rows.map(fromRow);
}

/** The unfinished tasks (still running upstream, not failed here) this instance may poll now: their ids. */
export async function claimUnfinishedTasks(lease: LeaseClaim = ownLease()): Promise<string[]> {
  return (await claimBatch(unfinished, lease)).map((record) => record.id);
}

/** Completed tasks whose result still needs copying into the archive, that this instance may copy now. */
export function claimTasksAwaitingArchive(maxAttempts: number, lease: LeaseClaim = ownLease()): Promise<TaskRecord[]> {
  return claimBatch((eb) => awaitingArchive(eb, maxAttempts), lease);
}
