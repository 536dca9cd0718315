import net from "node:net";
import pg from "pg";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { POSTGRES_MIGRATIONS } from "@/lib/schema/migrations-postgres";
import { openStore, type Store } from "@/lib/server/store/connection";
import { MIGRATION_LOCK } from "@/lib/server/store/engines";
import { refusedStart } from "../helpers/startup-refusal";
import { freshPostgresUrl, withPgClient } from "./store-engines";

// What only PostgreSQL has: its migrations' ledger and lock, and its connection failing at start. Every store
// feature itself runs on both engines in the store's suites (describe.each over ENGINES).
const opened: Store[] = [];
afterAll(async () => {
  await Promise.all(opened.map((store) => store.close()));
});
const open = async (url: string) => {
  const store = await openStore({ engine: "postgres", url });
  opened.push(store);
  return store;
};

const versions = (url: string) =>
  withPgClient(url, async (client) =>
    (await client.query<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version")).rows.map(
      (row) => row.version,
    ),
  );

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe("PostgreSQL migrations", () => {
  it("apply every version once, recorded in schema_migrations, and keep data across reopening", async () => {
    const url = await freshPostgresUrl();
    const first = await open(url);
    await first.db
      .insertInto("uploads")
      .values({ file_url: "u", kind: "image", original_name: "a.png", expires_at: null, created_at: 1 })
      .execute();
    await first.close();
    const again = await open(url);
    expect(await again.db.selectFrom("uploads").select("original_name").execute()).toEqual([
      { original_name: "a.png" },
    ]);
    expect(await versions(url)).toEqual(POSTGRES_MIGRATIONS.map((_, index) => index + 1));
  });

  it("refuse a database with a newer schema than this studio knows, changing nothing", async () => {
    const url = await freshPostgresUrl();
    await (await open(url)).close();
    const future = POSTGRES_MIGRATIONS.length + 1;
    await withPgClient(url, (client) => client.query("INSERT INTO schema_migrations VALUES ($1, 0)", [future]));
    await expect(open(url)).rejects.toThrow(/schema version \d+ is newer than this studio knows .*upgrade the studio/);
    expect((await versions(url)).at(-1)).toBe(future);
  });

  it("two studios migrating one empty database at once: one migrates, the other waits for it, then finds it done", async () => {
    const url = await freshPostgresUrl();
    // A third session holds the migration lock first, so both studios are seen waiting on it.
    const holder = new pg.Client(url);
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    const settled: string[] = [];
    const both = [open(url), open(url)].map((opening, index) =>
      opening.then(
        () => settled.push(`studio ${index}`),
        (error: unknown) => settled.push(`studio ${index} failed: ${String(error)}`),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(settled).toEqual([]);
    const waiting = await withPgClient(url, async (client) =>
      Number(
        (
          await client.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
          )
        ).rows[0]?.n,
      ),
    );
    expect(waiting).toBe(2);
    await holder.query("COMMIT");
    await holder.end();
    await Promise.all(both);
    expect(settled.sort()).toEqual(["studio 0", "studio 1"]);
    expect(await versions(url)).toEqual(POSTGRES_MIGRATIONS.map((_, index) => index + 1));
  });
});

describe("PostgreSQL down at start", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("stops the start with a message naming the database without its password", async () => {
    const url = `postgres://studio:pg-secret-Zx81@127.0.0.1:${await closedPort()}/studio`;
    // The unit run logs nothing (LOG_LEVEL=silent); a valid configuration would keep that level for the refusal.
    const { exitCalls, fatal } = await refusedStart({ DATABASE_URL: url, LOG_LEVEL: "info" });
    expect(exitCalls).toEqual([[1]]);
    expect(fatal.level).toBe("fatal");
    expect(fatal.msg).toMatch(
      /^The studio cannot start: The studio database at postgres:\/\/studio:\*\*\*@127\.0\.0\.1:\d+\/studio cannot be reached \(.*\)\. Check that PostgreSQL is running and that DATABASE_URL names it\. Nothing was changed\.$/,
    );
    expect(fatal.msg).not.toContain("pg-secret-Zx81");
  });

  it("refuses a DATABASE_URL that is not a postgres:// URL, without echoing it", async () => {
    const { exitCalls, fatal } = await refusedStart({ DATABASE_URL: "mysql://root:hunter2@db/studio" });
    expect(exitCalls).toEqual([[1]]);
    expect(fatal.msg).toContain("DATABASE_URL must be a postgres:// URL");
    expect(fatal.msg).not.toContain("hunter2");
  });
});
