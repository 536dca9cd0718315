import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { upstreamErrorFrom } from "../helpers/upstream-error";
import { createGeneration, fetchResult, getTask } from "@/lib/server/evolink/client";
import { MODEL } from "@/lib/evolink/contract";
import { upstreamConfig } from "@/lib/server/evolink/config";
import type { UpstreamTask } from "@/lib/evolink/schemas";
import type { ErrorCode } from "@/lib/errors";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import type { GenerationRequest } from "@/lib/generation/schema";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

const KEY = "sk-test-client";
const ENV_NAMES = ["EVOLINK_API_KEY", "EVOLINK_API_BASE", "EVOLINK_FILES_BASE"] as const;

let sim: RunningSimulator;
const savedEnv: Partial<Record<(typeof ENV_NAMES)[number], string | undefined>> = {};

function pointAt(base: string, key = KEY): void {
  process.env.EVOLINK_API_KEY = key;
  process.env.EVOLINK_API_BASE = base;
  process.env.EVOLINK_FILES_BASE = base;
}

beforeAll(async () => {
  for (const name of ENV_NAMES) savedEnv[name] = process.env[name];
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 2, port: 0 });
  pointAt(sim.url);
});

afterEach(() => {
  // Tests that point elsewhere (wrong key, closed port) must not leak into the next one.
  pointAt(sim.url);
});

afterAll(async () => {
  for (const name of ENV_NAMES) {
    const value = savedEnv[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await sim?.close();
});

interface SimLog {
  creates: { at: number; body: Record<string, unknown> | null; taskId: string | null; status: number }[];
  taskGets: Record<string, number>;
  resultGets: Record<string, number>;
}

async function simLog(): Promise<SimLog> {
  const res = await fetch(`${sim.url}/__sim/log`);
  expect(res.status).toBe(200);
  return (await res.json()) as SimLog;
}

/** Creates recorded by the simulator whose prompt is exactly `prompt` (each test uses a unique prompt). */
async function createsFor(prompt: string): Promise<SimLog["creates"]> {
  return (await simLog()).creates.filter((entry) => entry.body?.prompt === prompt);
}

let counter = 0;
/** A unique prompt, so log entries can be told apart across tests. */
function promptWith(text: string): string {
  counter += 1;
  return `${text} run ${counter} ${Date.now()} in the style of <<<video_1>>>`;
}

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
  return {
    ...GENERATION_DEFAULTS,
    prompt: promptWith("A lighthouse at dusk"),
    videoUrl: "https://media.example.com/videos/ref.mp4",
    ...overrides,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `done` holds, with a generous deadline rather than a fixed sleep. */
async function pollUntil(
  taskId: string,
  done: (task: UpstreamTask) => boolean,
  deadlineMs = 15_000,
): Promise<UpstreamTask[]> {
  const seen: UpstreamTask[] = [];
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const task = await getTask(taskId);
    seen.push(task);
    if (done(task)) return seen;
    if (Date.now() > deadline) throw new Error(`task ${taskId} stuck at ${task.status} ${task.progress}%`);
    await sleep(150);
  }
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  return `http://127.0.0.1:${port}`;
}

describe("configuration", () => {
  it("reads the environment at call time", async () => {
    const config = await upstreamConfig();
    expect(config).toEqual({ apiKey: KEY, apiBase: sim.url, filesBase: sim.url, demo: false });
    process.env.EVOLINK_API_BASE = `${sim.url}///`;
    expect((await upstreamConfig()).apiBase).toBe(sim.url);
  });
});

describe("createGeneration", () => {
  it("sends the documented snake_case body and nothing else", async () => {
    const req = request({
      imageUrls: ["https://media.example.com/photos/a.png", "https://media.example.com/photos/b.png"],
      duration: 7,
      aspectRatio: "9:16",
      quality: "1080p",
      keepOriginalSound: false,
    });
    const task = await createGeneration(req);
    const [entry, ...rest] = await createsFor(req.prompt);
    expect(rest).toEqual([]);
    expect(entry?.status).toBe(200);
    expect(entry?.taskId).toBe(task.id);
    expect(entry?.body).toEqual({
      model: "kling-o3-reference-to-video",
      prompt: req.prompt,
      video_url: "https://media.example.com/videos/ref.mp4",
      image_urls: ["https://media.example.com/photos/a.png", "https://media.example.com/photos/b.png"],
      duration: 7,
      aspect_ratio: "9:16",
      quality: "1080p",
      keep_original_sound: false,
      // Always sent: no default is documented for the watermark (issue #17); no element_list without elements.
      model_params: { watermark_info: { enabled: false } },
    });
    expect(JSON.stringify(entry?.body)).not.toMatch(/multi_shot|multi_prompt|element_list|camel|videoUrl/);
    expect(MODEL).toBe("kling-o3-reference-to-video");
  });

  it("omits image_urls when there are no images and sends keep_original_sound: true", async () => {
    const req = request({ keepOriginalSound: true });
    await createGeneration(req);
    const [entry] = await createsFor(req.prompt);
    expect(entry?.body).not.toHaveProperty("image_urls");
    expect(entry?.body).toMatchObject({
      keep_original_sound: true,
      duration: 5,
      aspect_ratio: "16:9",
      quality: "720p",
    });
  });

  it("returns the created task in the studio's shape", async () => {
    const task = await createGeneration(request({ quality: "720p", duration: 5 }));
    expect(task.id).toMatch(TASK_ID_PATTERN);
    expect(task.status).toBe("pending");
    expect(task.progress).toBe(0);
    expect(task.estimatedSeconds).toBe(2);
    expect(task.creditsReserved).toBe(40.5);
    expect(task.resultUrl).toBeNull();
    expect(task.error).toBeNull();
  });

  it.each<[string, ErrorCode, number, boolean]>([
    ["rate-limit", "rate_limit_exceeded", 429, true],
    ["no-channel", "service_unavailable", 503, true],
    ["insufficient-quota", "insufficient_quota", 402, false],
    ["model-denied", "model_access_denied", 403, false],
    ["server-error", "internal_error", 500, true],
    ["legacy-error", "service_unavailable", 503, true],
  ])("[sim:%s] → %s (HTTP %i, retryable %s), sent exactly once", async (scenario, code, status, retryable) => {
    const req = request({ prompt: promptWith(`[sim:${scenario}] A boat`) });
    const error = await upstreamErrorFrom(createGeneration(req));
    expect(error.code).toBe(code);
    expect(error.httpStatus).toBe(status);
    expect(error.retryable).toBe(retryable);
    expect(error.upstreamMessage).toBeTruthy();
    // A create is never retried automatically: it might already be a billed task.
    const creates = await createsFor(req.prompt);
    expect(creates).toHaveLength(1);
    expect(creates[0]).toMatchObject({ status, taskId: null });
  });

  it("keeps the upstream's own message", async () => {
    const error = await upstreamErrorFrom(createGeneration(request({ prompt: promptWith("[sim:model-denied] x") })));
    expect(error.upstreamMessage).toBe("Token does not have access to model: kling-o3-reference-to-video");
    expect(error.message).toBe("model_access_denied: Token does not have access to model: kling-o3-reference-to-video");
  });

  it("maps a synchronous 400 from the upstream to a non-retryable parameter error", async () => {
    // The studio's schema would stop this; the client itself passes it through and must surface the 400.
    const error = await upstreamErrorFrom(createGeneration(request({ imageUrls: ["ftp://example.com/a.png"] })));
    expect(error.code).toBe("invalid_parameter");
    expect(error.httpStatus).toBe(400);
    expect(error.retryable).toBe(false);
  });

  it("a wrong key → unauthorized, not retryable, and the task is not created", async () => {
    const rejectedBefore = (await simLog()).creates.filter((entry) => entry.status === 401).length;
    pointAt(sim.url, "sk-wrong-key");
    const req = request();
    const error = await upstreamErrorFrom(createGeneration(req));
    expect(error.code).toBe("unauthorized");
    expect(error.httpStatus).toBe(401);
    expect(error.retryable).toBe(false);
    const log = await simLog();
    // Exactly one attempt, refused before the body was read (the simulator logs no body for a 401).
    expect(log.creates.filter((entry) => entry.status === 401)).toHaveLength(rejectedBefore + 1);
    expect(log.creates.filter((entry) => entry.body?.prompt === req.prompt)).toEqual([]);
  });

  it("connection refused → create_outcome_unknown (never 'nothing happened')", async () => {
    pointAt(await closedPortUrl());
    const error = await upstreamErrorFrom(createGeneration(request()));
    expect(error.code).toBe("create_outcome_unknown");
    expect(error.retryable).toBe(false);
    expect(error.httpStatus).toBeUndefined();
  });
});

describe("getTask", () => {
  it("follows a task from pending through processing to completed with a result URL", async () => {
    const created = await createGeneration(request());
    const seen = await pollUntil(created.id, (task) => task.status === "completed");
    const last = seen.at(-1)!;
    expect(last.id).toBe(created.id);
    expect(last.progress).toBe(100);
    expect(last.error).toBeNull();
    expect(last.resultUrl).toMatch(new RegExp(`^${sim.url}/cdn/results/${created.id}\\.mp4\\?expires=\\d+$`));
    // Nothing but the documented statuses on the way, and progress never goes backwards.
    for (const task of seen) expect(["pending", "processing", "completed"]).toContain(task.status);
    const progress = seen.map((task) => task.progress);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    for (const task of seen.slice(0, -1)) expect(task.resultUrl).toBeNull();
  });

  it("the result URL serves the video without the API key (fetchResult passes Range)", async () => {
    const created = await createGeneration(request());
    const [done] = (await pollUntil(created.id, (task) => task.status === "completed")).slice(-1);
    const res = await fetchResult(done!.resultUrl!, "bytes=0-99", AbortSignal.timeout(10_000));
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toMatch(/^bytes 0-99\/\d+$/);
    expect((await res.arrayBuffer()).byteLength).toBe(100);
  });

  it("reports a task-level failure with its error code", async () => {
    const created = await createGeneration(request({ prompt: promptWith("[sim:content-policy] A crowd") }));
    const seen = await pollUntil(created.id, (task) => task.status === "failed");
    expect(seen.at(-1)?.error).toEqual({
      code: "content_policy_violation",
      message: "Content policy violation.\nYour request was blocked by safety filters.",
    });
    expect(seen.at(-1)?.resultUrl).toBeNull();
  });

  it("passes the undocumented terminal status cancelled through", async () => {
    const created = await createGeneration(request({ prompt: promptWith("[sim:cancelled] A train") }));
    const seen = await pollUntil(created.id, (task) => !["pending", "processing"].includes(task.status));
    expect(seen.at(-1)?.status).toBe("cancelled");
  });

  it.each(["poll-rate-limit", "poll-server-error"])("[sim:%s] recovers through GET retries", async (scenario) => {
    const created = await createGeneration(request({ prompt: promptWith(`[sim:${scenario}] A kite`) }));
    const task = await getTask(created.id);
    expect(task.id).toBe(created.id);
    expect(["pending", "processing", "completed"]).toContain(task.status);
    // The first two GETs failed upstream; the third, retried inside one getTask call, succeeded.
    expect((await simLog()).taskGets[created.id]).toBe(3);
  });

  it("[sim:malformed] a truncated first body is retried and recovered, not surfaced", async () => {
    const created = await createGeneration(request({ prompt: promptWith("[sim:malformed] A river") }));
    const task = await getTask(created.id);
    expect(task.id).toBe(created.id);
    expect((await simLog()).taskGets[created.id]).toBe(2);
  });

  it.each(["extra-keys", "result-data-only"])("[sim:%s] still yields a resultUrl", async (scenario) => {
    const created = await createGeneration(request({ prompt: promptWith(`[sim:${scenario}] A field`) }));
    if (scenario === "extra-keys") expect(created.creditsReserved).toBe(40.5);
    const [done] = (await pollUntil(created.id, (task) => task.status === "completed")).slice(-1);
    expect(done?.resultUrl).toMatch(new RegExp(`/cdn/results/${created.id}\\.mp4\\?expires=\\d+$`));
  });

  it("an unknown task id → task_not_found, without retrying", async () => {
    const id = "task-unified-1757169743-zzzzzzzz";
    const error = await upstreamErrorFrom(getTask(id));
    expect(error.code).toBe("task_not_found");
    expect(error.httpStatus).toBe(404);
    expect(error.retryable).toBe(false);
    expect((await simLog()).taskGets[id]).toBe(1);
  });

  it("encodes the id as one path segment (no traversal to other routes)", async () => {
    const error = await upstreamErrorFrom(getTask("../../__sim/log"));
    expect(error.code).toBe("invalid_task_id");
    expect(error.httpStatus).toBe(400);
    expect((await simLog()).taskGets["../../__sim/log"]).toBe(1);
  });

  it("a wrong key → unauthorized, without retrying", async () => {
    const created = await createGeneration(request());
    pointAt(sim.url, "sk-wrong-key");
    const error = await upstreamErrorFrom(getTask(created.id));
    expect(error.code).toBe("unauthorized");
    expect(error.retryable).toBe(false);
    // The simulator counts only authorised GETs; none got through.
    expect((await simLog()).taskGets[created.id]).toBeUndefined();
  });

  it("connection refused → upstream_unreachable after retrying", async () => {
    pointAt(await closedPortUrl());
    const error = await upstreamErrorFrom(getTask("task-unified-1757169743-7cvnl5zw"));
    expect(error.code).toBe("upstream_unreachable");
    expect(error.retryable).toBe(true);
    expect(error.httpStatus).toBeUndefined();
  });
});
