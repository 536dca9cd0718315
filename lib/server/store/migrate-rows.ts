import "server-only";
import type Database from "better-sqlite3";
import { sql, type Kysely } from "kysely";
import type { StoreSchema } from "./schema";

/** Every table schema.ts lists but SQLite's search index (PostgreSQL computes its own: tasks.search). */
export type CopiedTable = Exclude<keyof StoreSchema, "tasks_fts">;

/**
 * Each table's primary key: rows are read in its order, a batch at a time, and inserted-or-nothing. A table added
 * to schema.ts fails the type check here until it is listed, so no table is left behind by store:migrate.
 */
const PRIMARY_KEYS: { [T in CopiedTable]: keyof StoreSchema[T] & string } = {
  submissions: "idempotency_key",
  tasks: "id",
  uploads: "file_url",
  session_keys: "id",
  sessions: "id_hash",
  deleted_tasks: "id",
  elements: "id",
};

type Row = Record<string, unknown>;
type Target = Kysely<StoreSchema>;

/** How one table is copied: its key, and the columns both engines hold that PostgreSQL lets a row set. */
export interface TablePlan {
  table: CopiedTable;
  key: string;
  columns: string[];
}

/** Source rows against the target's rows with the same keys. */
export interface Comparison {
  /** Rows in the source. */
  rows: number;
  /** Of those, in the target with the same values. */
  present: number;
  /** Of those, not in the target. */
  missing: number;
  /** Of those, in the target with other values (never overwritten), and the first few keys. */
  conflicts: number;
  examples: string[];
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The plan of every table. Columns PostgreSQL computes (tasks.status_group, prompt, search) are left to it; a
 * column only PostgreSQL has keeps its default. A SQLite column the target has no place for stops the copy, as
 * its values would be lost.
 */
export async function planTables(source: Database.Database, target: Target): Promise<TablePlan[]> {
  const plans: TablePlan[] = [];
  for (const [table, key] of Object.entries(PRIMARY_KEYS) as Array<[CopiedTable, string]>) {
    const { rows } = await sql<{ column_name: string; is_generated: string }>`
      SELECT column_name, is_generated FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ${table}`.execute(target);
    const settable = new Set(rows.filter((row) => row.is_generated === "NEVER").map((row) => row.column_name));
    const known = new Set(rows.map((row) => row.column_name));
    const own = (source.pragma(`table_info(${quote(table)})`) as Array<{ name: string }>).map((column) => column.name);
    const homeless = own.filter((column) => !known.has(column));
    if (homeless.length > 0)
      throw new Error(`the target's ${table} table has no column ${homeless.join(", ")}; its values would be lost`);
    plans.push({ table, key, columns: own.filter((column) => settable.has(column)) });
  }
  return plans;
}

/** The source's rows of a table in key order, `size` at a time: never the whole table in memory. */
function* batches(source: Database.Database, plan: TablePlan, size: number): Generator<Row[]> {
  const head = `SELECT ${plan.columns.map(quote).join(", ")} FROM ${quote(plan.table)}`;
  const order = `ORDER BY ${quote(plan.key)} LIMIT ?`;
  const first = source.prepare(`${head} ${order}`);
  const next = source.prepare(`${head} WHERE ${quote(plan.key)} > ? ${order}`);
  let last: unknown;
  for (;;) {
    const rows = (last === undefined ? first.all(size) : next.all(last, size)) as Row[];
    if (rows.length > 0) yield rows;
    if (rows.length < size) return;
    last = rows[rows.length - 1]?.[plan.key];
  }
}

async function targetRows(target: Target, plan: TablePlan, keys: unknown[]): Promise<Map<unknown, Row>> {
  const { rows } = await sql<Row>`
    SELECT ${sql.join(plan.columns.map((column) => sql.ref(column)))} FROM ${sql.table(plan.table)}
    WHERE ${sql.ref(plan.key)} IN (${sql.join(keys)})`.execute(target);
  return new Map(rows.map((row) => [row[plan.key], row]));
}

// Both drivers give numbers for every number the store keeps (BIGINT is parsed as one) and Buffers for bytes.
const sameValue = (a: unknown, b: unknown) =>
  Buffer.isBuffer(a) && Buffer.isBuffer(b) ? a.equals(b) : (a ?? null) === (b ?? null);

const EXAMPLES = 5;

/** Compares every source row of a table with the target's: what a copy would add, and what differs. */
export async function compareTable(
  source: Database.Database,
  target: Target,
  plan: TablePlan,
  size: number,
): Promise<Comparison> {
  const result: Comparison = { rows: 0, present: 0, missing: 0, conflicts: 0, examples: [] };
  for (const rows of batches(source, plan, size)) {
    const found = await targetRows(
      target,
      plan,
      rows.map((row) => row[plan.key]),
    );
    result.rows += rows.length;
    for (const row of rows) {
      const there = found.get(row[plan.key]);
      if (!there) result.missing += 1;
      else if (plan.columns.every((column) => sameValue(row[column], there[column]))) result.present += 1;
      else {
        result.conflicts += 1;
        if (result.examples.length < EXAMPLES) result.examples.push(String(row[plan.key]));
      }
    }
  }
  return result;
}

/**
 * Copies a table's rows a batch at a time, each batch one insert-or-nothing statement: a row already there is
 * left as it is, so a run cut short anywhere is finished by the next. `progress` hears after each batch.
 */
export async function copyTable(
  source: Database.Database,
  target: Target,
  plan: TablePlan,
  size: number,
  progress: (read: number, copied: number) => void,
): Promise<number> {
  let read = 0;
  let copied = 0;
  const columns = sql.join(plan.columns.map((column) => sql.ref(column)));
  for (const rows of batches(source, plan, size)) {
    const values = rows.map((row) => sql`(${sql.join(plan.columns.map((column) => row[column]))})`);
    // No conflict target: a row clashing on another unique column (elements' idempotency key) is left out too,
    // and the verification after the copy names it.
    const { rows: inserted } = await sql<Row>`
      INSERT INTO ${sql.table(plan.table)} (${columns}) VALUES ${sql.join(values)}
      ON CONFLICT DO NOTHING RETURNING ${sql.ref(plan.key)}`.execute(target);
    read += rows.length;
    copied += inserted.length;
    progress(read, copied);
  }
  return copied;
}
