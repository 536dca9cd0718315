import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIMULATOR_SCENARIOS, startSimulator, type RunningSimulator } from "@/lib/simulator/server";

const KEY = "sk-test-simulator";
const CLIPS = path.join(process.cwd(), "lib/simulator/clips");
const ID_PATTERN = /^task-unified-(\d+)-[a-z0-9]{8}$/;

// Injected clock: lifecycle tests step time instead of sleeping, so nothing depends on scheduler timing.
let clock = Date.now();
const advance = (ms: number): void => {
  clock += ms;
};

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 1, resultTtlSeconds: 60, slowMs: 50, now: () => clock });
});

afterAll(async () => {
  await sim.close();
});

const validBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: "kling-o3-reference-to-video",
  prompt: "A cat walking in the style of <<<video_1>>>",
  video_url: "https://media.example.com/videos/ref.mp4",
  ...overrides,
});

function create(body: unknown, key: string | null = KEY): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  return fetch(`${sim.url}/v1/videos/generations`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function getTask(id: string, key: string | null = KEY): Promise<Response> {
  return fetch(`${sim.url}/v1/tasks/${id}`, key === null ? {} : { headers: { Authorization: `Bearer ${key}` } });
}

async function createTask(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await create(validBody(overrides));
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

async function taskJson(id: string): Promise<Record<string, unknown>> {
  const res = await getTask(id);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

describe("auth", () => {
  it("rejects a create without or with a wrong key", async () => {
    for (const key of [null, "sk-wrong"]) {
      const res = await create(validBody(), key);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { code: "unauthorized", message: "Invalid or expired token", type: "authentication_error" },
      });
    }
  });

  it("rejects a task GET without a key", async () => {
    const res = await getTask("task-unified-1-abcdefgh", null);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: "unauthorized", message: "Authentication required", type: "authentication_error" },
    });
  });
});

describe("create", () => {
  it("returns the documented body shape", async () => {
    const res = await create(validBody());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const body = (await res.json()) as Record<string, unknown>;
    const match = ID_PATTERN.exec(String(body.id));
    expect(match).not.toBeNull();
    expect(body).toEqual({
      created: Number(match?.[1]),
      id: body.id,
      model: "kling-o3-reference-to-video",
      object: "video.generation.task",
      progress: 0,
      status: "pending",
      task_info: { can_cancel: true, estimated_time: 1, video_duration: 5 },
      type: "video",
      usage: { billing_rule: "per_second", credits_reserved: 40.5, user_group: "default" },
    });
  });

  it("prices 1080p per second", async () => {
    const res = await create(validBody({ quality: "1080p", duration: 7 }));
    const body = (await res.json()) as { usage: { credits_reserved: number }; task_info: { video_duration: number } };
    expect(body.usage.credits_reserved).toBe(75.6378);
    expect(body.task_info.video_duration).toBe(7);
  });

  it("ignores unknown top-level fields", async () => {
    expect((await create(validBody({ sound: "on", seed: 4 }))).status).toBe(200);
  });

  it("rejects a body that is not a JSON object", async () => {
    for (const body of ["{not json", "[1,2]"]) {
      const res = await create(body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { error: { code: string; type: string } };
      expect(json.error).toMatchObject({ code: "invalid_request", type: "invalid_request_error" });
    }
  });

  it("answers 413 for a body over 1 MB", async () => {
    const res = await create(validBody({ padding: "x".repeat(1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("request_too_large");
  });
});

describe("create validation", () => {
  const images = (n: number): string[] => Array.from({ length: n }, (_, i) => `https://example.com/${i}.png`);
  const elements = (n: number): { element_id: string }[] =>
    Array.from({ length: n }, (_, i) => ({ element_id: `el-${i}` }));

  const accepted: [string, Record<string, unknown>][] = [
    ["prompt of 2500 chars", { prompt: "a".repeat(2500) }],
    ["duration 3", { duration: 3 }],
    ["duration 10", { duration: 10 }],
    ["4 images", { image_urls: images(4) }],
    ["2 images + 2 elements", { image_urls: images(2), model_params: { element_list: elements(2) } }],
    ["watermark toggle", { model_params: { watermark_info: { enabled: false } } }],
    ["every enum value", { aspect_ratio: "1:1", quality: "1080p", keep_original_sound: false }],
    ["https public callback", { callback_url: "https://hooks.example.com/evolink" }],
    ["null optional fields", { duration: null, callback_url: null }],
  ];
  it.each(accepted)("accepts %s", async (_name, overrides) => {
    expect((await create(validBody(overrides))).status).toBe(200);
  });

  const rejected: [string, Record<string, unknown>, string, string][] = [
    ["missing model", { model: undefined }, "missing_required_params", "model"],
    ["another model", { model: "kling-o3-text-to-video" }, "invalid_parameter", "model"],
    ["missing prompt", { prompt: undefined }, "missing_required_params", "prompt"],
    ["prompt of 2501 chars", { prompt: "a".repeat(2501) }, "invalid_parameter", "prompt"],
    ["missing video_url", { video_url: undefined }, "missing_required_params", "video_url"],
    ["ftp video_url", { video_url: "ftp://example.com/a.mp4" }, "invalid_parameter", "video_url"],
    ["duration 2", { duration: 2 }, "invalid_parameter", "duration"],
    ["duration 11", { duration: 11 }, "invalid_parameter", "duration"],
    ["duration 5.5", { duration: 5.5 }, "invalid_parameter", "duration"],
    ["duration as string", { duration: "5" }, "invalid_parameter", "duration"],
    ["aspect_ratio 4:3", { aspect_ratio: "4:3" }, "invalid_parameter", "aspect_ratio"],
    ["quality 4k", { quality: "4k" }, "invalid_parameter", "quality"],
    ["keep_original_sound string", { keep_original_sound: "yes" }, "invalid_parameter", "keep_original_sound"],
    ["5 images", { image_urls: images(5) }, "invalid_parameter", "image_urls"],
    [
      "3 images + 2 elements",
      { image_urls: images(3), model_params: { element_list: elements(2) } },
      "invalid_parameter",
      "image_urls",
    ],
    ["non-URL image", { image_urls: ["not a url"] }, "invalid_parameter", "image_urls"],
    [
      "integer element_id",
      { model_params: { element_list: [{ element_id: 7 }] } },
      "invalid_parameter",
      "model_params.element_list",
    ],
    [
      "bad watermark_info",
      { model_params: { watermark_info: { enabled: "yes" } } },
      "invalid_parameter",
      "model_params.watermark_info",
    ],
    ["multi_shot", { model_params: { multi_shot: true } }, "invalid_parameter", "model_params.multi_shot"],
    ["multi_prompt", { model_params: { multi_prompt: [] } }, "invalid_parameter", "model_params.multi_prompt"],
    ["shot_type", { model_params: { shot_type: "customize" } }, "invalid_parameter", "model_params.shot_type"],
    ["http callback_url", { callback_url: "http://hooks.example.com/x" }, "invalid_parameter", "callback_url"],
    ["loopback callback_url", { callback_url: "https://127.0.0.1/x" }, "invalid_parameter", "callback_url"],
    ["localhost callback_url", { callback_url: "https://localhost:3000/x" }, "invalid_parameter", "callback_url"],
    ["private callback_url", { callback_url: "https://192.168.1.10/x" }, "invalid_parameter", "callback_url"],
    ["172.16/12 callback_url", { callback_url: "https://172.20.0.1/x" }, "invalid_parameter", "callback_url"],
    ["IPv6 loopback callback_url", { callback_url: "https://[::1]/x" }, "invalid_parameter", "callback_url"],
    [
      "2049-char callback_url",
      { callback_url: `https://example.com/${"a".repeat(2029)}` },
      "invalid_parameter",
      "callback_url",
    ],
  ];
  it.each(rejected)("rejects %s", async (_name, overrides, code, param) => {
    const res = await create(validBody(overrides));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string; type: string; param: string } };
    expect(error).toMatchObject({ code, type: "invalid_request_error", param });
    // Specific messages name the field, unlike the docs' generic "Invalid request parameters".
    expect(error.message).toContain(param.split(".").pop());
  });
});

describe("task lifecycle", () => {
  it("goes pending → processing → completed", async () => {
    const id = await createTask();
    expect(await taskJson(id)).toMatchObject({ status: "pending", progress: 0, task_info: { can_cancel: true } });
    advance(500);
    expect(await taskJson(id)).toMatchObject({ status: "processing", progress: 50 });
    advance(490);
    expect(await taskJson(id)).toMatchObject({ status: "processing", progress: 99 });
    advance(10);
    const done = await taskJson(id);
    expect(done).toMatchObject({
      id,
      model: "kling-o3-reference-to-video",
      object: "video.generation.task",
      status: "completed",
      progress: 100,
      task_info: { can_cancel: false },
      type: "video",
      usage: { billing_rule: "per_second", credits_reserved: 40.5, user_group: "default" },
    });
    expect(done.error).toBeUndefined();
    const expires = Math.floor((clock + 60_000) / 1000);
    expect(done.results).toEqual([`${sim.url}/cdn/results/${id}.mp4?expires=${expires}`]);
  });

  it("answers 400 for a malformed id and 404 for an unknown one", async () => {
    const bad = await getTask("12345");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: "invalid_task_id",
        message: "Invalid task ID format, must start with 'task-unified-'",
        type: "invalid_request_error",
        param: "task_id",
      },
    });
    const unknown = await getTask("task-unified-1700000000-zzzzzzzz");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      error: {
        code: "task_not_found",
        message: "The requested task could not be found",
        type: "invalid_request_error",
      },
    });
  });

  it("follows the real clock when none is injected", async () => {
    const real = await startSimulator({ apiKey: KEY, taskSeconds: 0.3 });
    try {
      const res = await fetch(`${real.url}/v1/videos/generations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
        body: JSON.stringify(validBody()),
      });
      const { id } = (await res.json()) as { id: string };
      let status = "";
      for (let i = 0; i < 50 && status !== "completed"; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        const poll = await fetch(`${real.url}/v1/tasks/${id}`, { headers: { Authorization: `Bearer ${KEY}` } });
        status = ((await poll.json()) as { status: string }).status;
      }
      expect(status).toBe("completed");
    } finally {
      await real.close();
    }
  });
});

describe("result files", () => {
  async function completedResultUrl(overrides: Record<string, unknown> = {}): Promise<string> {
    const id = await createTask(overrides);
    advance(1000);
    return ((await taskJson(id)).results as string[])[0] ?? "";
  }

  it("serves byte ranges of the clip matching the aspect ratio", async () => {
    const url = await completedResultUrl({ aspect_ratio: "9:16" });
    const file = await readFile(path.join(CLIPS, "sample-9x16.mp4"));
    const res = await fetch(url, { headers: { Range: "bytes=100-1123" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(res.headers.get("content-range")).toBe(`bytes 100-1123/${file.length}`);
    expect(Buffer.from(await res.arrayBuffer()).equals(file.subarray(100, 1124))).toBe(true);

    const full = await fetch(url);
    expect(full.status).toBe(200);
    expect(Buffer.from(await full.arrayBuffer()).equals(file)).toBe(true);

    const head = await fetch(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(file.length));
  });

  it("answers 416 for an unsatisfiable range", async () => {
    const url = await completedResultUrl();
    const size = (await readFile(path.join(CLIPS, "sample-16x9.mp4"))).length;
    const res = await fetch(url, { headers: { Range: `bytes=${size}-` } });
    expect(res.status).toBe(416);
    expect(res.headers.get("content-range")).toBe(`bytes */${size}`);
  });

  it("answers 403 once the link has expired", async () => {
    const short = await startSimulator({ apiKey: KEY, taskSeconds: 1, resultTtlSeconds: 2, now: () => clock });
    try {
      const res = await fetch(`${short.url}/v1/videos/generations`, {
        method: "POST",
        headers: { Authorization: `Bearer ${KEY}` },
        body: JSON.stringify(validBody()),
      });
      const { id } = (await res.json()) as { id: string };
      const url = `${short.url}/cdn/results/${id}.mp4`;
      expect((await fetch(url)).status).toBe(404); // not finished yet
      advance(2900);
      expect((await fetch(url, { headers: { Range: "bytes=0-9" } })).status).toBe(206);
      advance(100);
      const expired = await fetch(url);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toBe("Request has expired");
    } finally {
      await short.close();
    }
  });

  it("answers 404 for an unknown result", async () => {
    expect((await fetch(`${sim.url}/cdn/results/task-unified-1-nothere0.mp4`)).status).toBe(404);
  });
});

describe("scenarios", () => {
  const tagged = (name: string): Record<string, unknown> => ({ prompt: `A cat [sim:${name}] in the rain` });

  it("exports every scenario with a description", () => {
    expect(SIMULATOR_SCENARIOS.map((s) => s.name)).toContain("result-data-only");
    for (const s of SIMULATOR_SCENARIOS) expect(s.description.length).toBeGreaterThan(10);
  });

  const refusals: [string, number, unknown][] = [
    [
      "rate-limit",
      429,
      { code: "rate_limit_exceeded", message: "Too many requests, please try again later", type: "rate_limit_error" },
    ],
    [
      "no-channel",
      503,
      { code: "service_unavailable", message: "No available channel for the requested model", type: "api_error" },
    ],
    ["server-error", 500, { code: "internal_error", message: "Internal server error", type: "api_error" }],
    [
      "insufficient-quota",
      402,
      {
        code: "insufficient_quota",
        message: "Insufficient quota. Please top up your account.",
        type: "insufficient_quota",
      },
    ],
    [
      "model-denied",
      403,
      {
        code: "model_access_denied",
        message: "Token does not have access to model: kling-o3-reference-to-video",
        type: "invalid_request_error",
      },
    ],
    [
      "legacy-error",
      503,
      {
        code: 503,
        message: "Service temporarily unavailable",
        type: "service_unavailable_error",
        fallback_suggestion: "retry after 60 seconds",
      },
    ],
  ];
  it.each(refusals)("%s refuses the create without creating a task", async (name, status, error) => {
    const res = await create(validBody(tagged(name)));
    expect(res.status).toBe(status);
    expect(await res.json()).toEqual({ error });
    const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as { creates: { taskId: string | null }[] };
    expect(log.creates.at(-1)?.taskId).toBeNull();
  });

  it("poll-rate-limit answers 429 twice, then recovers", async () => {
    const id = await createTask(tagged("poll-rate-limit"));
    for (let i = 0; i < 2; i++) {
      const res = await getTask(id);
      expect(res.status).toBe(429);
      expect(await res.json()).toEqual({
        error: { code: "rate_limit_exceeded", message: "Rate limit exceeded", type: "evo_api_error" },
      });
    }
    expect((await getTask(id)).status).toBe(200);
  });

  it("poll-server-error answers 500 twice, then recovers", async () => {
    const id = await createTask(tagged("poll-server-error"));
    for (let i = 0; i < 2; i++) expect((await getTask(id)).status).toBe(500);
    expect((await getTask(id)).status).toBe(200);
  });

  it("malformed truncates only the first poll", async () => {
    const id = await createTask(tagged("malformed"));
    const first = await getTask(id);
    expect(first.status).toBe(200);
    const text = await first.text();
    expect(text).toHaveLength(40);
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect((await taskJson(id)).id).toBe(id);
  });

  it("result-data-only completes without results", async () => {
    const id = await createTask({ ...tagged("result-data-only"), duration: 6 });
    advance(1000);
    const body = await taskJson(id);
    expect(body.status).toBe("completed");
    expect(body).not.toHaveProperty("results");
    expect(body.result_data).toEqual([
      { video_url: expect.stringContaining(`/cdn/results/${id}.mp4?expires=`), duration: 6 },
    ]);
  });

  it("cancelled ends with the undocumented status at ~50%", async () => {
    const id = await createTask(tagged("cancelled"));
    advance(400);
    expect(await taskJson(id)).toMatchObject({ status: "processing", progress: 40 });
    advance(100);
    expect(await taskJson(id)).toMatchObject({ status: "cancelled", progress: 50, task_info: { can_cancel: false } });
  });

  it("content-policy fails past 40% with a task_error", async () => {
    const id = await createTask(tagged("content-policy"));
    advance(450);
    const body = await taskJson(id);
    expect(body).toMatchObject({ status: "failed", task_info: { can_cancel: false } });
    expect(body.error).toEqual({
      code: "content_policy_violation",
      message: "Content policy violation.\nYour request was blocked by safety filters.",
      type: "task_error",
    });
    expect(body).not.toHaveProperty("results");
  });

  it("stall freezes at 42% for 10× taskSeconds, then completes", async () => {
    const id = await createTask(tagged("stall"));
    advance(500);
    expect(await taskJson(id)).toMatchObject({ status: "processing", progress: 42 });
    advance(9_000);
    expect(await taskJson(id)).toMatchObject({ status: "processing", progress: 42 });
    advance(1_500);
    expect(await taskJson(id)).toMatchObject({ status: "completed", progress: 100 });
  });

  it("extra-keys adds unknown keys to create and GET bodies", async () => {
    const res = await create(validBody(tagged("extra-keys")));
    const created = (await res.json()) as Record<string, unknown>;
    expect(created).toMatchObject({ usage: { estimated_cost: 0.56 }, result_data: [] });
    expect(typeof created.trace_id).toBe("string");
    advance(1000);
    const done = await taskJson(String(created.id));
    expect(done.results).toHaveLength(1);
    expect(done.result_data).toEqual([{ video_url: (done.results as string[])[0], duration: 5 }]);
  });

  it("slow delays create and polls", async () => {
    const started = Date.now();
    const id = await createTask(tagged("slow"));
    await taskJson(id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
  });
});

describe("introspection", () => {
  it("counts creates, polls and result fetches without recording keys", async () => {
    expect((await fetch(`${sim.url}/__sim/reset`, { method: "POST" })).status).toBe(200);
    const body = validBody({ duration: 4 });
    const id = await createTask({ duration: 4 });
    for (let i = 0; i < 3; i++) await getTask(id);
    advance(1000);
    const url = ((await taskJson(id)).results as string[])[0] ?? "";
    await (await fetch(url)).arrayBuffer();
    await (await fetch(url, { headers: { Range: "bytes=0-1" } })).arrayBuffer();

    const res = await fetch(`${sim.url}/__sim/log`);
    const text = await res.text();
    expect(text).not.toContain(KEY);
    const log = JSON.parse(text) as {
      creates: { at: number; body: unknown; taskId: string | null; status: number }[];
      taskGets: Record<string, number>;
      resultGets: Record<string, number>;
    };
    expect(log.creates).toEqual([{ at: expect.any(Number), body, taskId: id, status: 200 }]);
    expect(log.taskGets).toEqual({ [id]: 4 });
    expect(log.resultGets).toEqual({ [id]: 2 });
  });

  it("answers 404 with the error envelope for unknown routes", async () => {
    const res = await fetch(`${sim.url}/v1/unknown`);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });
});
