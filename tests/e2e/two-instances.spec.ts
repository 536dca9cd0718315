import path from "node:path";
import { mkdirSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { startBucket, type RunningBucket } from "../helpers/bucket";
import { startPgCluster, type PgCluster } from "../helpers/pg-cluster";
import { SAMPLE_VIDEO_URL, uniqueTag } from "./helpers";
import {
  APP_PORTS,
  BUCKET_PORTS,
  freePort,
  removeArtifactDirs,
  spawnApp,
  Spawned,
  Stack,
  STACK_KEY,
  waitUntilAnswers,
} from "./stack";

// Two studio processes (A: the stack's app, B: a second one) on different ports, one PostgreSQL, one s3rver bucket
// and one simulator: a generation made on A is watched on B; A is killed with SIGKILL mid-generation and B completes
// and archives every task (0 lost, 0 doubled, from the simulator's request log); the same Idempotency-Key sent to A
// and B at once makes one upstream create; and upstream GETs per task stay within one per poll interval.

const INTERVAL = 500;
let cluster: PgCluster;
let bucket: RunningBucket;
let stack: Stack;
let b: Spawned;
let bUrl = "";

test.beforeAll(async () => {
  test.setTimeout(180_000);
  cluster = await startPgCluster();
  bucket = await startBucket({ port: await freePort(BUCKET_PORTS) });
  const shared = { DATABASE_URL: cluster.url, ...bucket.env("two-instances"), RATE_LIMIT_GENERATE_PER_MIN: "1000" };
  stack = await Stack.start({ name: "two-instances", taskSeconds: 8, pollIntervalMs: INTERVAL, appEnv: shared });
  const port = await freePort(APP_PORTS);
  bUrl = `http://127.0.0.1:${port}`;
  const root = path.join(stack.root, "b");
  mkdirSync(path.join(root, "uploads"), { recursive: true });
  // Its own DATA_DIR: the data folder's lock is per process; all that is shared is the database and the bucket.
  b = spawnApp("app B", port, {
    ...shared,
    EVOLINK_API_KEY: STACK_KEY,
    EVOLINK_API_BASE: stack.simUrl,
    EVOLINK_FILES_BASE: stack.simUrl,
    DATA_DIR: path.join(root, "data"),
    UPLOAD_TMP_DIR: path.join(root, "uploads"),
    POLL_INTERVAL_MS: String(INTERVAL),
  });
  await waitUntilAnswers(`${bUrl}/api/tasks`, b, 60_000);
});

test.afterAll(async () => {
  await b?.kill();
  await stack?.stop();
  await bucket?.stop();
  cluster?.stop();
  removeArtifactDirs({ keep: test.info().status !== "passed" });
});

const body = (prompt: string) => ({
  prompt,
  videoUrl: SAMPLE_VIDEO_URL,
  imageUrls: [],
  duration: 5,
  aspectRatio: "16:9",
  quality: "720p",
  keepOriginalSound: true,
});

/**
 * POST /api/generations as the page sends it. The instance that did not win the key while the other is still
 * creating answers submission_in_progress (retryable), as the page's own retry then sees: it asks again.
 */
async function generate(origin: string, prompt: string, key: string): Promise<{ status: number; id: string }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`${origin}/api/generations`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": key },
      body: JSON.stringify(body(prompt)),
    });
    const json = (await response.json()) as { id?: string; error?: { code?: string } };
    if (json.id) return { status: response.status, id: json.id };
    if (json.error?.code !== "submission_in_progress")
      throw new Error(`${origin} refused the generation: ${JSON.stringify(json)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${origin} still reports the submission in progress`);
}

type TaskView = { phase: string; archive: { state: string } };
const view = async (origin: string, id: string) =>
  (await (await fetch(`${origin}/api/tasks/${id}`)).json()) as TaskView;

test("the same Idempotency-Key sent to A and B at once makes one upstream create", async () => {
  const tag = uniqueTag("split");
  const prompt = `<<<video_1>>> one Generate split across two instances ${tag}`;
  const answers = await Promise.all([
    generate(stack.appUrl, prompt, `key-${tag}`),
    generate(bUrl, prompt, `key-${tag}`),
  ]);
  expect(answers[1].id).toBe(answers[0].id);
  const creates = (await stack.simLog()).creates.filter((create) => create.body?.prompt?.includes(tag));
  expect(creates).toHaveLength(1);
  expect(creates[0]?.taskId).toBe(answers[0].id);
});

test("made on A, watched on B; A killed mid-generation, B completes and archives each task once", async () => {
  test.setTimeout(120_000);
  const tag = uniqueTag("kill");
  const started = Date.now();
  const ids: string[] = [];
  for (let n = 0; n < 3; n++)
    ids.push((await generate(stack.appUrl, `<<<video_1>>> take ${n} ${tag}`, `key-${tag}-${n}`)).id);
  for (const id of ids) expect((await view(bUrl, id)).phase).not.toBe("failed");
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  await stack.stopApp("SIGKILL");

  // B carries on alone: the leases A held lapse within one lease (3 intervals) and B takes the tasks over.
  await expect
    .poll(async () => Promise.all(ids.map(async (id) => (await view(bUrl, id)).archive.state)), { timeout: 60_000 })
    .toEqual(["archived", "archived", "archived"]);
  const elapsed = Date.now() - started;
  const log = await stack.simLog();
  expect(log.creates.filter((create) => create.body?.prompt?.includes(tag))).toHaveLength(3);
  for (const id of ids) {
    expect((await view(bUrl, id)).phase).toBe("completed");
    // One archive copy per result: the simulator served each result once.
    expect(log.resultGets[id], `result GETs of ${id}`).toBe(1);
    // Both instances polled (and B was asked every poll of this test), yet at most one GET per task per interval.
    expect(log.taskGets[id] ?? 0, `task GETs of ${id}`).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL) + 1);
  }
});
