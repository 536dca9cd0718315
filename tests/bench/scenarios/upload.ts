/**
 * Upload the reference video through the studio (POST /api/uploads?kind=video: receive, check, forward
 * to the file service) vs straight to the simulator's file service, back to back in each repetition,
 * sampling the studio's RSS while its upload runs.
 */
import { request, multipartBody, type Reply } from "../lib/http";
import { measureRssPeak } from "../lib/proc";
import { MB, median, mibPerSecond } from "../lib/stats";
import { simReset, type SimLog, simLog } from "../lib/api";
import type { ReferenceProxy, Simulator, Studio } from "../lib/stack";
import type { Row } from "../lib/table";
import type { BenchContext } from "./context";
import { transferRows } from "./transfer-rows";

async function send(
  url: string,
  headers: Record<string, string>,
  fields: Record<string, string>,
  filePath: string,
): Promise<Reply> {
  const body = multipartBody(fields, {
    field: "file",
    filePath,
    fileName: "bench-reference.mp4",
    contentType: "video/mp4",
  });
  return request(url, {
    method: "POST",
    headers: { ...headers, ...body.headers },
    body: body.write,
    timeoutMs: 10 * 60_000,
  });
}

export async function uploadScenario(
  ctx: BenchContext,
  studio: Studio,
  sim: Simulator,
  reference: ReferenceProxy | null,
): Promise<Row[]> {
  const { video, config } = ctx;
  const proxyRate: number[] = [];
  const directRate: number[] = [];
  const growth: number[] = [];
  const forwardStartSeconds: number[] = [];
  const referenceRate: number[] = [];
  // One untimed round first: route code loaded, JIT warm, connections open, as on a running server.
  await send(
    `${sim.url}/api/v1/files/upload/stream`,
    { Authorization: `Bearer ${sim.key}` },
    { file_name: "bench-direct.mp4" },
    video.path,
  );
  const warm = await send(`${studio.url}/api/uploads?kind=video`, { "Sec-Fetch-Site": "same-origin" }, {}, video.path);
  if (warm.status !== 201)
    throw new Error(`studio upload answered ${warm.status}: ${warm.body.toString("utf8").slice(0, 400)}`);
  await simReset(sim);
  for (let rep = 0; rep < config.reps; rep += 1) {
    // Rotate the order so no side always runs first (or right after the other's disk writes).
    const sides = ["direct", "proxy", ...(reference ? (["reference"] as const) : [])] as const;
    const order = sides.map((_, i) => sides[(i + rep) % sides.length] as (typeof sides)[number]);
    for (const side of order) {
      if (side === "reference" && reference) {
        const reply = await send(
          `${reference.url}/api/v1/files/upload/stream`,
          { Authorization: `Bearer ${sim.key}` },
          { file_name: "bench-reference.mp4" },
          video.path,
        );
        if (reply.status !== 200) throw new Error(`upload through the reference proxy answered ${reply.status}`);
        referenceRate.push(mibPerSecond(video.sizeBytes, reply.ms));
        ctx.log(`  upload rep ${rep + 1} reference proxy: ${(reply.ms / 1000).toFixed(2)} s`);
      } else if (side === "direct") {
        const reply = await send(
          `${sim.url}/api/v1/files/upload/stream`,
          { Authorization: `Bearer ${sim.key}` },
          { file_name: "bench-direct.mp4" },
          video.path,
        );
        const body = JSON.parse(reply.body.toString("utf8")) as { success?: boolean; data?: { file_size?: number } };
        if (reply.status !== 200 || !body.success || body.data?.file_size !== video.sizeBytes) {
          throw new Error(`direct upload answered ${reply.status}: ${reply.body.toString("utf8").slice(0, 300)}`);
        }
        directRate.push(mibPerSecond(video.sizeBytes, reply.ms));
        ctx.log(`  upload rep ${rep + 1} direct: ${(reply.ms / 1000).toFixed(2)} s`);
      } else {
        const { result: reply, rss } = await measureRssPeak(studio.rss, () =>
          send(`${studio.url}/api/uploads?kind=video`, { "Sec-Fetch-Site": "same-origin" }, {}, video.path),
        );
        const wallEnd = Date.now();
        if (reply.status !== 201)
          throw new Error(`studio upload answered ${reply.status}: ${reply.body.toString("utf8").slice(0, 400)}`);
        const log: SimLog = await simLog(sim);
        const forwarded = log.uploads.filter((entry) => entry.status === 200 && entry.size === video.sizeBytes);
        const last = forwarded.at(-1);
        if (!last) throw new Error("the studio answered 201 but the simulator received no complete upload");
        // The simulator logs when the forwarded upload reached it: how soon after the studio's request began
        // the studio started sending the file on (it forwards while it receives).
        const forwardStart = (last.at - (wallEnd - reply.ms)) / 1000;
        forwardStartSeconds.push(forwardStart);
        proxyRate.push(mibPerSecond(video.sizeBytes, reply.ms));
        growth.push(rss.growthBytes / MB);
        ctx.log(
          `  upload rep ${rep + 1} studio: ${(reply.ms / 1000).toFixed(2)} s (forwarding began after ${forwardStart.toFixed(2)} s), RSS +${(rss.growthBytes / MB).toFixed(1)} MiB (${rss.samples} samples)`,
        );
      }
      // Uploads pile up in the simulator's file store; start each from an empty one.
      await simReset(sim);
    }
  }
  const scenario = `Upload ${config.video.label} reference video`;
  const rows = transferRows({
    scenario,
    proxyRate,
    directRate,
    growth,
    throughputNote: `the studio starts forwarding to the file service ${median(forwardStartSeconds).toFixed(2)} s into the upload (median) and sends the file on while receiving it; straight to the file service takes ${(video.sizeBytes / MB / median(directRate)).toFixed(2)} s`,
    reference: reference
      ? {
          rate: referenceRate,
          note: "a bare node:http pipe (tests/bench/reference-proxy.ts): the ratio any proxy hop can reach on this machine",
        }
      : undefined,
  });
  return [rows.throughput, rows.rss, ...rows.yardstick];
}
