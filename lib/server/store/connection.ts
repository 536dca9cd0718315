import "server-only";

import { AsyncLocalStorage } from "node:async_hooks";
import path from "node:path";
import type { Kysely, Transaction } from "kysely";
import { config } from "../config";
import { openPostgres, openSqlite, type OpenedStore } from "./engines";
import type { StoreSchema } from "./schema";

export { DatabaseStartupError, storeUnavailable } from "./engines";

export type Engine = "sqlite" | "postgres";

/** Where the store lives: the SQLite file in DATA_DIR (the default), or the PostgreSQL of DATABASE_URL. */
export type StoreTarget = { engine: "sqlite"; file: string } | { engine: "postgres"; url: string };

export interface Store extends OpenedStore {
  engine: Engine;
}

/** Where the studio keeps its database and archived videos (`DATA_DIR`, default ./data). */
export function dataDir(): string {
  return config().dataDir;
}

export function configuredTarget(): StoreTarget {
  const url = config().databaseUrl;
  return url ? { engine: "postgres", url } : { engine: "sqlite", file: path.join(dataDir(), "studio.sqlite") };
}

/**
 * Opens the store and brings its schema up to date, or throws DatabaseStartupError with a message naming the
 * database (a PostgreSQL URL without its password) and what to do.
 */
export async function openStore(target: StoreTarget = configuredTarget()): Promise<Store> {
  if (target.engine === "sqlite") return { engine: "sqlite", ...openSqlite(target.file) };
  return { engine: "postgres", ...(await openPostgres(target.url)) };
}

const globalForStore = globalThis as typeof globalThis & { __studioStore?: Promise<Store> };

/** The process-wide store (route bundles and the poller share it through globalThis); a failed open is retried. */
export function store(): Promise<Store> {
  if (!globalForStore.__studioStore) {
    const opening = openStore();
    globalForStore.__studioStore = opening;
    opening.catch(() => {
      if (globalForStore.__studioStore === opening) globalForStore.__studioStore = undefined;
    });
  }
  return globalForStore.__studioStore;
}

/** Closes the process-wide store, so the next store() opens the configured one again (tests switch engines). */
export async function closeStore(): Promise<void> {
  const current = globalForStore.__studioStore;
  globalForStore.__studioStore = undefined;
  if (current) await (await current.catch(() => null))?.close();
}

type Executor = Kysely<StoreSchema> | Transaction<StoreSchema>;
const transactions = new AsyncLocalStorage<Transaction<StoreSchema>>();

/** What a store query runs on: the transaction this call is inside, else the store itself. */
export async function query(): Promise<Executor> {
  return transactions.getStore() ?? (await store()).db;
}

/** Runs `work` in one transaction: every store call it makes lands together, or none does. */
export async function inTransaction<T>(work: () => Promise<T>): Promise<T> {
  if (transactions.getStore()) return work();
  const { db } = await store();
  return db.transaction().execute((trx) => transactions.run(trx, work));
}

export async function engine(): Promise<Engine> {
  return (await store()).engine;
}
