import "server-only";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { POSTGRES_MIGRATIONS } from "../../schema/migrations-postgres";
import { describeStorageError } from "../storage";
import { S3Storage } from "../storage/s3";
import type { StorageSettings } from "../storage/settings";
import { DataDirBusyError, holdDataDir } from "./data-lock";
import { openPostgres, openSqlite, redactedUrl } from "./engines";
import { checkFiles, copyFiles, type FileTally } from "./migrate-files";
import { compareTable, copyTable, planTables, type Comparison, type TablePlan } from "./migrate-rows";
import type { StoreSchema } from "./schema";

/** What `npm run store:migrate` copies, from where to where. */
export interface MigrationPlan {
  /** DATA_DIR: its studio.sqlite is the source, and its lock keeps a studio off it meanwhile. */
  dataDir: string;
  /** ARCHIVE_DIR: the kept files copied with --storage. */
  archiveDir: string;
  /** --to: the PostgreSQL to copy into. */
  to: string;
  /** --storage: the bucket the kept files go to; null leaves them in the archive folder. */
  storage: Extract<StorageSettings, { kind: "s3" }> | null;
  /** Rows per read and per insert (memory stays bounded by it whatever the history's size). */
  batchSize: number;
}

/** Nothing can be copied, and the message says what to do. */
export class MigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MigrationRefused";
  }
}

interface Ends {
  source: Database.Database;
  target: Kysely<StoreSchema>;
  bucket: S3Storage | null;
  plan: MigrationPlan;
  say: (line: string) => void;
}

/**
 * Copies the SQLite history of DATA_DIR (and, with a bucket, the archive folder) into PostgreSQL; true when the
 * copy is verified. Refuses (MigrationRefused, or the store's DatabaseStartupError) before copying anything when it
 * cannot be done. Every step is insert-or-nothing, so running it again finishes a run that was cut short.
 */
export async function migrateStore(plan: MigrationPlan, say: (line: string) => void): Promise<boolean> {
  if (!/^postgres(ql)?:\/\//i.test(plan.to))
    throw new MigrationRefused(
      "--to must be a postgres:// URL (postgres://user:password@host:5432/database), the database to copy into.",
    );
  const file = path.join(plan.dataDir, "studio.sqlite");
  if (!existsSync(file))
    throw new MigrationRefused(
      `there is no SQLite history at ${file}. Set DATA_DIR to the folder the studio keeps its data in (default ./data).`,
    );
  const hold = holdFolder(plan.dataDir);
  try {
    const source = openSqlite(file);
    try {
      const target = await openPostgres(plan.to);
      try {
        say(`From ${file}${plan.storage ? ` and ${plan.archiveDir}` : ""}`);
        say(`To ${redactedUrl(plan.to)} (schema version ${POSTGRES_MIGRATIONS.length})${bucketName(plan)}`);
        const bucket = plan.storage ? await reachBucket(plan.storage) : null;
        return await copyAndVerify({
          source: source.sqlite as Database.Database,
          target: target.db,
          bucket,
          plan,
          say,
        });
      } finally {
        await target.close();
      }
    } finally {
      await source.close();
    }
  } finally {
    hold.release();
  }
}

function holdFolder(folder: string): { release: () => void } {
  try {
    return holdDataDir(folder);
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error;
    throw new MigrationRefused(
      `a studio is running on the data folder ${folder}${error.holder}. Stop it first: the history must not change ` +
        "while it is copied. Nothing was copied.",
    );
  }
}

function bucketName({ storage }: MigrationPlan): string {
  if (!storage) return "; kept files stay in the archive folder (no --storage)";
  return ` and s3://${storage.bucket}${storage.prefix ? `/${storage.prefix}` : ""}`;
}

async function reachBucket(settings: NonNullable<MigrationPlan["storage"]>): Promise<S3Storage> {
  // Nothing is staged: files go to the bucket straight from the archive folder.
  const bucket = new S3Storage(settings, os.tmpdir());
  try {
    await bucket.ready();
    return bucket;
  } catch (error) {
    const why = describeStorageError(error) ?? (error instanceof Error ? error.message : String(error));
    throw new MigrationRefused(
      `the bucket of --storage cannot be used: ${why}. Check AWS_ENDPOINT_URL_S3, AWS_REGION and the AWS_ACCESS_KEY_ID / ` +
        "AWS_SECRET_ACCESS_KEY pair. Nothing was copied.",
    );
  }
}

async function compareAll(ends: Ends, plans: TablePlan[]): Promise<Map<string, Comparison>> {
  const results = new Map<string, Comparison>();
  for (const plan of plans)
    results.set(plan.table, await compareTable(ends.source, ends.target, plan, ends.plan.batchSize));
  return results;
}

function refuseConflicts(before: Map<string, Comparison>): void {
  const clashes = [...before].filter(([, result]) => result.conflicts > 0);
  if (clashes.length === 0) return;
  const listed = clashes.map(
    ([table, result]) =>
      `${table}: ${result.conflicts} (${result.examples.join(", ")}${result.conflicts > 5 ? ", …" : ""})`,
  );
  throw new MigrationRefused(
    `the target already holds different data under the same ids: ${listed.join("; ")}. Nothing was copied and ` +
      "nothing is overwritten: copy into an empty database, or remove those rows from it first.",
  );
}

async function copyAndVerify(ends: Ends): Promise<boolean> {
  const { source, target, bucket, plan, say } = ends;
  const plans = await planTables(source, target);
  const before = await compareAll(ends, plans);
  refuseConflicts(before);
  const copied = new Map<string, number>();
  for (const table of plans) {
    const total = before.get(table.table)?.rows ?? 0;
    const count = await copyTable(source, target, table, plan.batchSize, (read, added) =>
      say(`  ${table.table}: ${read} of ${total} read, ${added} copied`),
    );
    copied.set(table.table, count);
  }
  const files = bucket
    ? await copyFiles(plan.archiveDir, bucket, (tally) =>
        say(`  files: ${tally.copied} copied, ${tally.skipped} already there`),
      )
    : null;
  const after = await compareAll(ends, plans);
  const fileCheck = bucket ? await checkFiles(plan.archiveDir, bucket) : null;
  let verified = true;
  for (const { table } of plans) {
    const result = after.get(table) as Comparison;
    const ok = result.present === result.rows;
    verified &&= ok;
    say(
      `${table}: ${copied.get(table)} copied, ${before.get(table)?.present ?? 0} already there; ` +
        (ok ? `verified ${result.present} of ${result.rows}` : `NOT verified: ${describeGap(result)}`),
    );
  }
  if (files && fileCheck) {
    verified &&= fileCheck.wrong === 0;
    say(describeFiles(files, fileCheck));
  }
  const nothingNew = [...copied.values()].every((count) => count === 0) && (files?.copied ?? 0) === 0;
  if (!verified) say("The copy is NOT verified (see above). Run the same command again; nothing is copied twice.");
  else say(nothingNew ? "Nothing new to copy: everything was already there. Verified." : "Done. Verified.");
  return verified;
}

function describeGap(result: Comparison): string {
  const parts = [`${result.present} of ${result.rows} there`];
  if (result.missing) parts.push(`${result.missing} missing`);
  if (result.conflicts) parts.push(`${result.conflicts} different (${result.examples.join(", ")})`);
  return parts.join(", ");
}

function describeFiles(files: FileTally, check: Awaited<ReturnType<typeof checkFiles>>): string {
  const megabytes = (files.bytes / (1024 * 1024)).toFixed(1);
  const replaced = files.replaced ? ` (${files.replaced} replaced a different size)` : "";
  const counts = `files: ${files.copied} copied${replaced}, ${files.skipped} skipped (already there), ${megabytes} MB`;
  return check.wrong === 0
    ? `${counts}; verified ${check.files} sizes`
    : `${counts}; NOT verified: ${check.wrong} of ${check.files} missing or of another size (${check.examples.join(", ")})`;
}
