import type Database from "better-sqlite3";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listTasks } from "@/app/api/tasks/route";
import { matchingIds } from "@/lib/server/store/history";
import { historyFilter } from "@/lib/server/store/history";
import { tasksAwaitingPosterRetry } from "@/lib/server/store/tasks";
import { claimTasksAwaitingArchive, claimUnfinishedTasks } from "@/lib/server/store/leases";
import type { HistoryPage } from "@/lib/tasks/view";
import { seedHistory } from "../helpers/seed-history";
import { rawSqlite } from "./store-engines";

// Every statement the history runs is recorded with its parameters, then explained: a page, a search, the counts
// and a refresh must never walk the whole tasks table (a covering index for the counts is the one scan allowed).
const ran = new Map<string, unknown[]>();

beforeAll(async () => {
  seedHistory({ dataDir: process.env.DATA_DIR!, count: 2000, statusOf: (i) => (i % 9 ? "completed" : "failed") });
  const connection = await rawSqlite();
  const prepare = connection.prepare.bind(connection);
  connection.prepare = ((sql: string) => {
    const statement = prepare(sql);
    for (const method of ["all", "get", "run"] as const) {
      const original = statement[method].bind(statement) as (...args: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        ran.set(sql, args);
        return original(...args);
      };
    }
    return statement;
  }) as Database.Database["prepare"];
});

const QUERIES = [
  "",
  "?sort=oldest",
  "?status=completed",
  "?status=running&sort=oldest",
  "?starred=1",
  "?starred=1&status=failed",
  "?q=dolly%20word12",
  "?q=word1&status=failed&starred=1&sort=oldest",
];

async function plan(sql: string): Promise<string[]> {
  const params = ran.get(sql) ?? [];
  return ((await rawSqlite()).prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>).map(
    (r) => r.detail,
  );
}

// Two walks are bounded anyway: the counts' covering index (small entries, no table rows), and an unfiltered page
// read in index order, which stops after LIMIT rows.
const allowedScan = (sql: string, detail: string) =>
  /COVERING INDEX tasks_counts/.test(detail) ||
  (/USING INDEX tasks_order/.test(detail) && /\blimit \?/i.test(sql) && !/\bwhere\b/i.test(sql));

describe("history queries use indexes", () => {
  it("first pages, next pages, refreshes, counts and 'all matching' never scan the tasks table", async () => {
    for (const query of QUERIES) {
      const first = (await (await listTasks(new Request(`http://localhost/api/tasks${query}`))).json()) as HistoryPage;
      const sep = query ? "&" : "?";
      if (first.nextCursor)
        await listTasks(new Request(`http://localhost/api/tasks${query}${sep}cursor=${first.nextCursor}`));
      await listTasks(new Request(`http://localhost/api/tasks${query}${sep}since=${first.since}`));
    }
    await matchingIds(historyFilter("completed", "", false), 501);
    await claimUnfinishedTasks();
    await claimTasksAwaitingArchive(10);
    await tasksAwaitingPosterRetry(3);

    // Kysely writes lower-case keywords and quoted names: `from "tasks"`.
    const history = [...ran.keys()].filter((sql) => /\bfrom "(tasks|deleted_tasks)"/i.test(sql));
    expect(history.length).toBeGreaterThanOrEqual(15);
    const plans = new Map(await Promise.all(history.map(async (sql) => [sql, await plan(sql)] as const)));
    const scans = history.flatMap((sql) =>
      (plans.get(sql) ?? [])
        .filter((detail) => /^SCAN (tasks|deleted_tasks)\b/.test(detail) && !allowedScan(sql, detail))
        .map((detail) => `${detail} <- ${sql.replace(/\s+/g, " ")}`),
    );
    expect(scans).toEqual([]);
    // A page without a search reads its rows in index order: it never sorts the whole history.
    const unsorted = history
      .filter((sql) => /order by "tasks"\."created_at"/i.test(sql) && !/MATCH/.test(sql))
      .filter((sql) => (plans.get(sql) ?? []).some((detail) => /TEMP B-TREE FOR ORDER BY/.test(detail)));
    expect(unsorted).toEqual([]);
  });
});
