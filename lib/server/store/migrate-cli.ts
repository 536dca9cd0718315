import "server-only";
import { parseArgs } from "node:util";
import { config, ConfigError, configWith } from "../config";
import { parseStorageUrl } from "../storage/settings";
import { DatabaseStartupError } from "./engines";
import { migrateStore, MigrationRefused, type MigrationPlan } from "./migrate";

/**
 * `npm run store:migrate -- --to postgres://… [--storage s3://bucket/prefix] [--batch 500]`: copies the SQLite
 * history of DATA_DIR (and the kept files of ARCHIVE_DIR) into PostgreSQL (and the bucket); see the README's
 * "Moving up". Run with tsx under the react-server condition, so the store's `server-only` marks load as they do
 * in the studio. Exit code 0 only when the copy is verified.
 */

const USAGE =
  "Usage: npm run store:migrate -- --to postgres://user:password@host:5432/database [--storage s3://bucket/prefix] [--batch 500]";

function planFrom(argv: string[]): MigrationPlan {
  let values: { to?: string; storage?: string; batch?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { to: { type: "string" }, storage: { type: "string" }, batch: { type: "string" } },
    }));
  } catch (error) {
    throw new MigrationRefused(`${(error as Error).message}. ${USAGE}`);
  }
  if (!values.to) throw new MigrationRefused(`--to is required: the PostgreSQL to copy into. ${USAGE}`);
  // At most 2000: a batch of tasks is one insert, and PostgreSQL takes at most 65,535 parameters in a statement.
  const batchSize = Number(values.batch ?? 500);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2000)
    throw new MigrationRefused("--batch must be a whole number of rows from 1 to 2000 (default 500).");
  const { dataDir, archiveDir } = config();
  return { dataDir, archiveDir, to: values.to, storage: bucketOf(values.storage), batchSize };
}

/** The bucket of --storage, reached with the studio's own AWS_* variables (as STORAGE_URL would be). */
function bucketOf(value: string | undefined): MigrationPlan["storage"] {
  if (value === undefined) return null;
  if (typeof parseStorageUrl(value) === "string")
    throw new MigrationRefused(`--storage ${value} is not a bucket address: use s3://bucket or s3://bucket/prefix.`);
  const settings = configWith({ STORAGE_URL: value }).storage;
  return settings.kind === "s3" ? settings : null;
}

/** A message as it may be printed: the URL's password replaced, however the driver quoted it. */
function scrubbed(message: string, url: string | undefined): string {
  if (!url) return message;
  let password = "";
  try {
    password = new URL(url).password;
  } catch {
    return message.replaceAll(url, "(the --to URL)");
  }
  // As the logs' scrubber does: a very short value is a substring of ordinary words.
  const forms = [url, password, decodeURIComponent(password)].filter((form) => form.length >= 6 || form === url);
  return forms.reduce((text, form) => text.replaceAll(form, "***"), message);
}

async function main(argv: string[]): Promise<number> {
  const to = parseArgs({ args: argv, options: { to: { type: "string" } }, strict: false }).values.to;
  const url = typeof to === "string" ? to : undefined;
  const print = (line: string) => process.stdout.write(`${scrubbed(line, url)}\n`);
  try {
    return (await migrateStore(planFrom(argv), print)) ? 0 : 1;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const refused = [MigrationRefused, DatabaseStartupError, ConfigError].some((kind) => error instanceof kind);
    process.stderr.write(
      `${scrubbed(
        refused
          ? `Refusing to migrate: ${message}`
          : `The migration stopped: ${message}. Run the same command again: what was copied stays, and nothing is copied twice.`,
        url,
      )}\n`,
    );
    return refused ? 2 : 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
