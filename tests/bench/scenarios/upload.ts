/**
 * Upload the reference video through the studio (POST /api/uploads?kind=video: receive, check, forward
 * to the file service) vs straight to the simulator's file service, back to back in each repetition,
 * sampling the studio's RSS while its upload runs.
 */
import { request, multipartBody, type Reply } from "../lib/http";
import { measureRssPeak } from "../lib/proc";
import { MB, mibPerSecond, pairedRatios, summarize } from "../lib/stats";
import { simReset, type SimLog, simLog } from "../lib/api";
import type { Simulator, Studio } from "../lib/stack";
import { judgeRow, type Row } from "../lib/table";
import type { BenchContext } from "./context";

async function send(url: string, headers: Record<string, string>, fields: Record<string, string>, filePath: string): Promise<Reply> {
  const body = multipartBody(fields, { field: "file", filePath, fileName: "bench-reference.mp4", contentType: "video/mp4" });
  return request(url, { method: "POST", headers: { ...headers, ...body.headers }, body: body.write, timeoutMs: 10 * 60_000 });
}

export async function uploadScenario(ctx: BenchContext, studio: Studio, sim: Simulator): Promise<Row[]> {
  const { video, config } = ctx;
  const proxyRate: number[] = [];
  const directRate: number[] = [];
  const growth: number[] = [];
  for (let rep = 0; rep < config.reps; rep += 1) {
    const order = rep % 2 === 0 ? (["direct", "proxy"] as const) : (["proxy", "direct"] as const);
    for (const side of order) {
      if (side === "direct") {
        const reply = await send(`${sim.url}/api/v1/files/upload/stream`, { Authorization: `Bearer ${sim.key}` }, { file_name: "bench-direct.mp4" }, video.path);
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
        if (reply.status !== 201) throw new Error(`studio upload answered ${reply.status}: ${reply.body.toString("utf8").slice(0, 400)}`);
        const log: SimLog = await simLog(sim);
        const forwarded = log.uploads.filter((entry) => entry.status === 200 && entry.size === video.sizeBytes).length;
        if (forwarded < 1) throw new Error("the studio answered 201 but the simulator received no complete upload");
        proxyRate.push(mibPerSecond(video.sizeBytes, reply.ms));
        growth.push(rss.growthBytes / MB);
        ctx.log(`  upload rep ${rep + 1} studio: ${(reply.ms / 1000).toFixed(2)} s, RSS +${(rss.growthBytes / MB).toFixed(1)} MiB (${rss.samples} samples)`);
      }
      // Uploads pile up in the simulator's file store; start each from an empty one.
      await simReset(sim);
    }
  }
  const scenario = `Upload ${config.video.label} reference video`;
  return [
    judgeRow({
      scenario,
      metric: "throughput",
      unit: "MiB/s",
      digits: 1,
      proxy: summarize(proxyRate),
      direct: summarize(directRate),
      ratio: summarize(pairedRatios(proxyRate, directRate)),
      targetLabel: "ratio ≥ 0.8×",
      judge: { on: "ratio", stat: "median", target: { op: ">=", value: 0.8 } },
    }),
    judgeRow({
      scenario,
      metric: "studio peak RSS growth",
      unit: "MiB",
      digits: 1,
      proxy: summarize(growth),
      direct: null,
      ratio: null,
      targetLabel: "≤ 64 MiB",
      judge: { on: "proxy", stat: "median", target: { op: "<=", value: 64 } },
    }),
  ];
}
