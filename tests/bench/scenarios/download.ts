/**
 * Download/preview the result through the studio (GET /api/tasks/<id>/video) vs straight from the
 * simulator's result link, back to back in each repetition, sampling the studio's RSS while it streams;
 * then random Range reads through the studio, each compared byte for byte with the file on disk.
 * Run against two studios: one serving from its archive, one whose archive cannot be written, so it
 * streams from the upstream link.
 */
import { open } from "node:fs/promises";
import { createStudioTask, getSimTask, waitForStudioTask, BROWSER_HEADERS } from "../lib/api";
import { request } from "../lib/http";
import { measureRssPeak } from "../lib/proc";
import { MB, mibPerSecond, randomRanges, seededRandom, summarize } from "../lib/stats";
import type { ReferenceProxy, Simulator, Studio } from "../lib/stack";
import { judgeRow, type Row } from "../lib/table";
import type { BenchContext } from "./context";
import { transferRows } from "./transfer-rows";

export type ResultSource = "archive" | "upstream link";

interface Prepared {
  taskId: string;
  directUrl: string;
}

/** A completed task on `studio` whose video comes from `source`. */
async function prepare(ctx: BenchContext, studio: Studio, sim: Simulator, source: ResultSource): Promise<Prepared> {
  const created = await createStudioTask(studio.url, `bench download from the ${source}`);
  const wantArchive = source === "archive" ? "archived" : "failed";
  const timeoutMs = (sim.taskSeconds + 120) * 1000;
  const task = await waitForStudioTask(
    studio.url,
    created.id,
    (t) =>
      t.phase === "failed" ||
      (t.phase === "completed" && (t.archive.state === wantArchive || t.archive.state === "expired")),
    timeoutMs,
  );
  if (task.phase !== "completed" || task.archive.state !== wantArchive) {
    throw new Error(
      `the ${source} task ended as ${task.phase}/${task.archive.state}: ${JSON.stringify(task.error ?? task.archive.error)}`,
    );
  }
  const upstream = await getSimTask(sim, created.id);
  const directUrl = upstream.task.results?.[0];
  if (!directUrl) throw new Error(`the simulator gave no result link for ${created.id}`);
  ctx.log(`  ${source}: task ${created.id} ready (archive ${task.archive.state})`);
  return { taskId: created.id, directUrl };
}

async function rangeMismatches(
  ctx: BenchContext,
  url: string,
  seed: number,
): Promise<{ mismatches: number; details: string[] }> {
  const { video, config } = ctx;
  const ranges = randomRanges(video.sizeBytes, config.rangeReads, seededRandom(seed));
  const file = await open(video.path, "r");
  const details: string[] = [];
  try {
    for (const range of ranges) {
      const reply = await request(url, { headers: { ...BROWSER_HEADERS, Range: range.header }, timeoutMs: 60_000 });
      const length = range.end - range.start + 1;
      const expected = Buffer.alloc(length);
      await file.read(expected, 0, length, range.start);
      const contentRange = `bytes ${range.start}-${range.end}/${video.sizeBytes}`;
      const problems: string[] = [];
      if (reply.status !== 206) problems.push(`status ${reply.status}`);
      if (reply.headers["content-range"] !== contentRange)
        problems.push(`Content-Range ${reply.headers["content-range"]}`);
      if (!reply.body.equals(expected)) problems.push(`${reply.body.length} bytes that differ from the file`);
      if (problems.length) details.push(`${range.header}: ${problems.join(", ")}`);
    }
  } finally {
    await file.close();
  }
  return { mismatches: details.length, details };
}

export async function downloadScenario(
  ctx: BenchContext,
  studio: Studio,
  sim: Simulator,
  source: ResultSource,
  reference: ReferenceProxy | null = null,
): Promise<Row[]> {
  const { video, config } = ctx;
  const prepared = await prepare(ctx, studio, sim, source);
  const proxyUrl = `${studio.url}/api/tasks/${prepared.taskId}/video`;
  const proxyRate: number[] = [];
  const directRate: number[] = [];
  const growth: number[] = [];
  const mismatches: number[] = [];
  const mismatchDetails: string[] = [];
  const seeds: number[] = [];
  const referenceRate: number[] = [];
  const referenceUrl = reference ? prepared.directUrl.replace(sim.url, reference.url) : null;
  // One untimed round first: route code loaded, JIT warm, connections open, as on a running server.
  await request(prepared.directUrl, { discardBody: true, timeoutMs: 10 * 60_000 });
  await request(proxyUrl, { headers: BROWSER_HEADERS, discardBody: true, timeoutMs: 10 * 60_000 });
  for (let rep = 0; rep < config.reps; rep += 1) {
    // Rotate the order so no side always runs first.
    const sides = ["direct", "proxy", ...(referenceUrl ? (["reference"] as const) : [])] as const;
    const order = sides.map((_, i) => sides[(i + rep) % sides.length] as (typeof sides)[number]);
    for (const side of order) {
      if (side === "reference" && referenceUrl) {
        const reply = await request(referenceUrl, { discardBody: true, timeoutMs: 10 * 60_000 });
        if (reply.status !== 200 || reply.bytes !== video.sizeBytes)
          throw new Error(`reference proxy download answered ${reply.status} with ${reply.bytes} bytes`);
        referenceRate.push(mibPerSecond(reply.bytes, reply.ms));
        ctx.log(`  download (${source}) rep ${rep + 1} reference proxy: ${(reply.ms / 1000).toFixed(2)} s`);
      } else if (side === "direct") {
        const reply = await request(prepared.directUrl, { discardBody: true, timeoutMs: 10 * 60_000 });
        if (reply.status !== 200 || reply.bytes !== video.sizeBytes)
          throw new Error(`direct download answered ${reply.status} with ${reply.bytes} bytes`);
        directRate.push(mibPerSecond(reply.bytes, reply.ms));
        ctx.log(`  download (${source}) rep ${rep + 1} direct: ${(reply.ms / 1000).toFixed(2)} s`);
      } else {
        const { result: reply, rss } = await measureRssPeak(studio.rss, () =>
          request(proxyUrl, { headers: BROWSER_HEADERS, discardBody: true, timeoutMs: 10 * 60_000 }),
        );
        if (reply.status !== 200 || reply.bytes !== video.sizeBytes)
          throw new Error(`studio download answered ${reply.status} with ${reply.bytes} bytes`);
        proxyRate.push(mibPerSecond(reply.bytes, reply.ms));
        growth.push(rss.growthBytes / MB);
        ctx.log(
          `  download (${source}) rep ${rep + 1} studio: ${(reply.ms / 1000).toFixed(2)} s, RSS +${(rss.growthBytes / MB).toFixed(1)} MiB (${rss.samples} samples)`,
        );
      }
    }
    const seed = 1000 * (rep + 1) + (source === "archive" ? 1 : 2);
    seeds.push(seed);
    const checked = await rangeMismatches(ctx, proxyUrl, seed);
    mismatches.push(checked.mismatches);
    mismatchDetails.push(...checked.details);
    ctx.log(
      `  range reads (${source}) rep ${rep + 1}: ${config.rangeReads - checked.mismatches}/${config.rangeReads} match`,
    );
  }
  const scenario = `Download ${config.video.label} result (${source})`;
  const rows = transferRows({
    scenario,
    proxyRate,
    directRate,
    growth,
    reference: referenceUrl ? { rate: referenceRate, note: "the same bare node:http pipe, downloading" } : undefined,
  });
  return [
    rows.throughput,
    rows.rss,
    judgeRow({
      scenario,
      metric: `Range reads not matching the file (of ${config.rangeReads} per rep)`,
      unit: "",
      digits: 0,
      proxy: summarize(mismatches),
      direct: null,
      ratio: null,
      targetLabel: "0 in all reps",
      judge: { on: "proxy", stat: "sum", target: { op: "<=", value: 0 } },
      note: mismatchDetails.length
        ? `first mismatches (seeds ${seeds.join(", ")}): ${mismatchDetails.slice(0, 3).join("; ")}`
        : undefined,
      correctness: true,
    }),
    ...rows.yardstick,
  ];
}
