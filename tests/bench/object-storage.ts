/**
 * With object storage (STORAGE_URL, an s3rver bucket): the reference video sent from the "browser" straight to the
 * bucket through the studio's presigned upload (announce, PUT, complete with its range-read check) vs the same PUT
 * to the bucket signed by the client itself; and the archived result read through the studio's 302 redirect vs
 * straight from the presigned link it redirects to. The studio's RSS is sampled while each runs: it carries none
 * of the bytes, so its growth stays near zero.
 */
import { createReadStream } from "node:fs";
import { randomUUID } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { BUCKET_KEYS, startBucket, type RunningBucket } from "../helpers/bucket";
import type { BenchContext } from "./scenarios/context";
import { BROWSER_HEADERS, generationBody, waitForStudioTask } from "./lib/api";
import { request, requestJson, type Reply } from "./lib/http";
import { measureRssPeak } from "./lib/proc";
import { startStudio, type Simulator, type Studio } from "./lib/stack";
import { MB, mibPerSecond } from "./lib/stats";
import type { Row } from "./lib/table";
import { transferRows } from "./scenarios/transfer-rows";

const RATIO_TARGET = 0.95;

function put(url: string, headers: Record<string, string>, filePath: string, size: number): Promise<Reply> {
  return request(url, {
    method: "PUT",
    headers: { ...headers, "Content-Length": size },
    body: (req) => createReadStream(filePath).pipe(req),
    timeoutMs: 10 * 60_000,
  });
}

/** Announce, PUT, complete: what the studio page does with a bucket. Answers the link Evolink would get. */
async function uploadThroughStudio(ctx: BenchContext, studio: Studio): Promise<{ ms: number; fileUrl: string }> {
  const started = performance.now();
  const { video } = ctx;
  const signed = await requestJson<{ key: string; uploadUrl: string; headers: Record<string, string> }>(
    `${studio.url}/api/uploads/direct`,
    { method: "POST", json: { kind: "video", size: video.sizeBytes, type: "video/mp4" }, headers: BROWSER_HEADERS },
  );
  if (signed.status !== 201) throw new Error(`POST /api/uploads/direct answered ${signed.status}`);
  const sent = await put(signed.body.uploadUrl, signed.body.headers, video.path, video.sizeBytes);
  if (sent.status !== 200) throw new Error(`the presigned PUT answered ${sent.status}: ${sent.body.toString()}`);
  const done = await requestJson<{ fileUrl?: string; message?: string }>(`${studio.url}/api/uploads/direct/complete`, {
    method: "POST",
    json: { key: signed.body.key, name: "bench-reference.mp4" },
    headers: BROWSER_HEADERS,
    timeoutMs: 120_000,
  });
  if (done.status !== 201 || !done.body.fileUrl)
    throw new Error(`complete answered ${done.status}: ${JSON.stringify(done.body).slice(0, 300)}`);
  return { ms: performance.now() - started, fileUrl: done.body.fileUrl };
}

async function uploadStraight(ctx: BenchContext, bucket: RunningBucket, client: S3Client): Promise<number> {
  const { video } = ctx;
  const command = new PutObjectCommand({
    Bucket: bucket.bucket,
    Key: `bench-straight/${randomUUID()}.mp4`,
    ContentType: "video/mp4",
    ContentLength: video.sizeBytes,
  });
  const url = await getSignedUrl(client, command, { expiresIn: 900 });
  const started = performance.now();
  const sent = await put(url, { "Content-Type": "video/mp4" }, video.path, video.sizeBytes);
  if (sent.status !== 200) throw new Error(`the straight PUT answered ${sent.status}`);
  return performance.now() - started;
}

/** A generation whose result the studio archived in the bucket. */
async function archivedTask(ctx: BenchContext, studio: Studio, sim: Simulator, videoUrl: string): Promise<string> {
  const created = await requestJson<{ id: string }>(`${studio.url}/api/generations`, {
    method: "POST",
    json: { ...generationBody("bench result kept in the bucket"), videoUrl },
    headers: { ...BROWSER_HEADERS, "Idempotency-Key": `bench-${randomUUID()}` },
  });
  if (created.status !== 201)
    throw new Error(`POST /api/generations answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
  const task = await waitForStudioTask(
    studio.url,
    created.body.id,
    (t) => t.phase === "failed" || (t.phase === "completed" && t.archive.state !== "none"),
    (sim.taskSeconds + 120) * 1000,
  );
  if (task.archive.state !== "archived") throw new Error(`the result ended ${task.phase}/${task.archive.state}`);
  ctx.log(`  bucket: task ${created.body.id} archived`);
  return created.body.id;
}

async function readAll(url: string): Promise<Reply> {
  const reply = await request(url, { discardBody: true, timeoutMs: 10 * 60_000 });
  if (reply.status !== 200) throw new Error(`${url} answered ${reply.status}`);
  return reply;
}

export async function objectStorageScenario(
  ctx: BenchContext,
  options: { appDir: string; simulator: Simulator },
): Promise<Row[]> {
  const bucket = await startBucket({ bucket: "bench" });
  let studio: Studio | null = null;
  try {
    studio = await startStudio({
      ...options,
      name: "studio-bucket",
      runDir: ctx.runDir,
      pollIntervalMs: ctx.config.pollIntervalMs,
      // The links for Evolink must be public https; the simulator never fetches this address.
      env: { ...bucket.env("studio"), STORAGE_PUBLIC_ENDPOINT: "https://media.example.com" },
    });
    const client = new S3Client({
      endpoint: bucket.endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      credentials: BUCKET_KEYS,
    });
    const up = { studio: [] as number[], straight: [] as number[], growth: [] as number[] };
    const down = { studio: [] as number[], straight: [] as number[], growth: [] as number[] };
    const size = ctx.video.sizeBytes;
    // Untimed warm-up: routes compiled, connections open.
    const { fileUrl } = await uploadThroughStudio(ctx, studio);
    await uploadStraight(ctx, bucket, client);
    const taskId = await archivedTask(ctx, studio, options.simulator, fileUrl);
    const viaStudio = `${studio.url}/api/tasks/${taskId}/video`;
    for (let rep = 0; rep < ctx.config.reps; rep++) {
      const s = studio;
      const { result, rss } = await measureRssPeak(s.rss, () => uploadThroughStudio(ctx, s));
      up.studio.push(mibPerSecond(size, result.ms));
      up.growth.push(rss.growthBytes / MB);
      up.straight.push(mibPerSecond(size, await uploadStraight(ctx, bucket, client)));
      const redirect = await measureRssPeak(s.rss, async () => {
        const started = performance.now();
        const answer = await request(viaStudio, { timeoutMs: 30_000 });
        const location = answer.headers.location;
        if (answer.status !== 302 || !location) throw new Error(`the preview answered ${answer.status}`);
        await readAll(location);
        return { ms: performance.now() - started, location };
      });
      down.studio.push(mibPerSecond(size, redirect.result.ms));
      down.growth.push(redirect.rss.growthBytes / MB);
      down.straight.push(mibPerSecond(size, (await readAll(redirect.result.location)).ms));
      ctx.log(
        `  bucket rep ${rep + 1}: upload ${up.studio.at(-1)!.toFixed(1)} vs ${up.straight.at(-1)!.toFixed(1)} MiB/s, ` +
          `download ${down.studio.at(-1)!.toFixed(1)} vs ${down.straight.at(-1)!.toFixed(1)} MiB/s`,
      );
    }
    const label = ctx.config.video.label;
    const upload = transferRows({
      scenario: `Presigned upload of ${label} to the bucket`,
      proxyRate: up.studio,
      directRate: up.straight,
      growth: up.growth,
      ratioTarget: RATIO_TARGET,
      throughputNote:
        "studio: announce, PUT to the bucket, complete (the range-read check); direct: the same PUT signed by the client",
    });
    const download = transferRows({
      scenario: `Download of ${label} via the redirect`,
      proxyRate: down.studio,
      directRate: down.straight,
      growth: down.growth,
      ratioTarget: RATIO_TARGET,
      throughputNote: "studio: GET /api/tasks/<id>/video, its 302, the presigned link; direct: that link alone",
    });
    return [upload.throughput, upload.rss, download.throughput, download.rss];
  } finally {
    await studio?.proc.stop();
    await bucket.stop();
  }
}
