/**
 * The history's server side at scale, against production studios whose stores were seeded before they started:
 * a list page's p95 with 10,000 entries against 100, the bytes of an idle refresh (`since`) at 10,000, and the
 * studio's RSS growth while it streams a ZIP of 50 results.
 */
import http from "node:http";
import path from "node:path";
import { seedHistory, type SeededHistory } from "../helpers/seed-history";
import type { BenchContext } from "./scenarios/context";
import { request } from "./lib/http";
import { measureRssPeak } from "./lib/proc";
import { startStudio, type Simulator, type Studio } from "./lib/stack";
import { MB, pairedRatios, percentile, summarize } from "./lib/stats";
import { judgeRow, type Row } from "./lib/table";

const BIG = 10_000;
const SMALL = 100;
const ZIP_ENTRIES = 50;
const SCENARIO = "History on the server (production build, seeded store)";

async function seededStudio(
  ctx: BenchContext,
  options: { appDir: string; simulator: Simulator },
  count: number,
): Promise<{ studio: Studio; seeded: SeededHistory }> {
  const name = `studio-history-server-${count}`;
  const seeded = seedHistory({ dataDir: path.join(ctx.runDir, name, "data"), count, withPosters: true });
  const studio = await startStudio({ ...options, runDir: ctx.runDir, pollIntervalMs: ctx.config.pollIntervalMs, name });
  return { studio, seeded };
}

async function getOk(url: string, agent: http.Agent): Promise<{ ms: number; bytes: number; body: Buffer }> {
  const reply = await request(url, { agent, timeoutMs: 30_000 });
  if (reply.status !== 200) throw new Error(`${url} answered ${reply.status}: ${reply.body.toString().slice(0, 200)}`);
  return reply;
}

/** p95 of `samples` first-page reads from each studio, alternating, per repetition. */
async function pageP95s(ctx: BenchContext, small: Studio, big: Studio): Promise<{ small: number[]; big: number[] }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const samples = ctx.config.quick ? 40 : 200;
  const result = { small: [] as number[], big: [] as number[] };
  try {
    for (const studio of [small, big]) for (let i = 0; i < 10; i++) await getOk(`${studio.url}/api/tasks`, agent);
    for (let rep = 0; rep < ctx.config.reps; rep++) {
      const times = { small: [] as number[], big: [] as number[] };
      for (let i = 0; i < samples; i++) {
        times.small.push((await getOk(`${small.url}/api/tasks?limit=50`, agent)).ms);
        times.big.push((await getOk(`${big.url}/api/tasks?limit=50`, agent)).ms);
      }
      result.small.push(percentile(times.small, 95));
      result.big.push(percentile(times.big, 95));
      ctx.log(
        `  page p95 rep ${rep + 1}: ${SMALL} entries ${result.small.at(-1)!.toFixed(1)} ms, ${BIG} ${result.big.at(-1)!.toFixed(1)} ms`,
      );
    }
  } finally {
    agent.destroy();
  }
  return result;
}

/** Body bytes of each idle refresh, following the `since` token from one answer to the next. */
async function idleRefreshBytes(big: Studio, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    let since = (JSON.parse((await getOk(`${big.url}/api/tasks`, agent)).body.toString()) as { since: string }).since;
    const bytes: number[] = [];
    for (let i = 0; i < count; i++) {
      const reply = await getOk(`${big.url}/api/tasks?since=${encodeURIComponent(since)}`, agent);
      const answer = JSON.parse(reply.body.toString()) as { since: string; changed: unknown[]; deleted: unknown[] };
      if (answer.changed.length || answer.deleted.length) throw new Error("an idle history reported changes");
      since = answer.since;
      bytes.push(reply.bytes);
    }
    return bytes;
  } finally {
    agent.destroy();
  }
}

/** The studio's RSS growth (MiB) while one ZIP of the first 50 entries streams to a client that reads it all. */
async function zipGrowth(ctx: BenchContext, big: Studio, ids: string[]): Promise<{ growth: number[]; bytes: number }> {
  const url = `${big.url}/api/tasks/zip?ids=${ids.slice(0, ZIP_ENTRIES).join(",")}`;
  const warm = await request(url, { discardBody: true, timeoutMs: 120_000 });
  if (warm.status !== 200) throw new Error(`the ZIP answered ${warm.status}`);
  const growth: number[] = [];
  for (let rep = 0; rep < ctx.config.reps; rep++) {
    const { result, rss } = await measureRssPeak(big.rss, () =>
      request(url, { discardBody: true, timeoutMs: 120_000 }),
    );
    if (result.status !== 200 || result.bytes !== warm.bytes) throw new Error(`ZIP rep ${rep + 1}: ${result.status}`);
    growth.push(rss.growthBytes / MB);
    ctx.log(
      `  zip rep ${rep + 1}: ${(result.bytes / MB).toFixed(1)} MiB in ${result.ms.toFixed(0)} ms, RSS +${growth.at(-1)!.toFixed(1)} MiB`,
    );
  }
  return { growth, bytes: warm.bytes };
}

export async function historyServerScenario(
  ctx: BenchContext,
  options: { appDir: string; simulator: Simulator },
): Promise<Row[]> {
  const started: Studio[] = [];
  try {
    const [small, big] = await Promise.all([SMALL, BIG].map((count) => seededStudio(ctx, options, count)));
    started.push(small!.studio, big!.studio);
    const p95 = await pageP95s(ctx, small!.studio, big!.studio);
    const refresh = await idleRefreshBytes(big!.studio, ctx.config.quick ? 5 : 20);
    const zip = await zipGrowth(ctx, big!.studio, big!.seeded.ids);
    return [
      judgeRow({
        scenario: SCENARIO,
        metric: `list page p95 (ms, limit 50): ${BIG.toLocaleString("en-US")} entries (studio column) vs ${SMALL} (direct column)`,
        unit: "ms",
        digits: 1,
        proxy: summarize(p95.big),
        direct: summarize(p95.small),
        ratio: summarize(pairedRatios(p95.big, p95.small)),
        targetLabel: "ratio ≤ 1.3×",
        judge: { on: "ratio", stat: "median", target: { op: "<=", value: 1.3 } },
        note: `${ctx.config.quick ? 40 : 200} first pages from each per repetition, alternating, one keep-alive connection`,
      }),
      judgeRow({
        scenario: SCENARIO,
        metric: `bytes per idle refresh (since) at ${BIG.toLocaleString("en-US")} entries`,
        unit: "B",
        digits: 0,
        proxy: summarize(refresh),
        direct: null,
        ratio: null,
        targetLabel: "≤ 1000 B",
        judge: { on: "proxy", stat: "max", target: { op: "<=", value: 1000 } },
        note: "response body; each refresh passes the since token of the answer before",
      }),
      judgeRow({
        scenario: SCENARIO,
        metric: `ZIP of ${ZIP_ENTRIES} results: studio peak RSS growth`,
        unit: "MiB",
        digits: 1,
        proxy: summarize(zip.growth),
        direct: null,
        ratio: null,
        targetLabel: "≤ 16 MiB",
        judge: { on: "proxy", stat: "median", target: { op: "<=", value: 16 } },
        note: `a ${(zip.bytes / MB).toFixed(1)} MiB ZIP (the bundled sample clip as every result), read to the end`,
      }),
    ];
  } finally {
    await Promise.all(started.map((studio) => studio.proc.stop()));
  }
}
