import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { failureResponse } from "@/lib/server/http/api-response";
import { createGeneration, getTask } from "@/lib/server/evolink/client";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";
import { upstreamErrorFrom } from "../helpers/upstream-error";
import { config } from "@/lib/server/config";

const upstreamTimeouts = () => ({ createMs: config().evolink.createTimeoutMs, getMs: config().evolink.getTimeoutMs });
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { SIMULATOR_SCENARIOS, startSimulator, type RunningSimulator } from "@/lib/simulator/server";

/**
 * Faults below the API (no answer, reset connections, cut-off bodies, a proxy's 502 page): first what the
 * simulator does on the wire, then what the studio's client makes of it with short timeouts.
 */

const KEY = "sk-test-transport";
const HANG_MS = 400;
const ENV = [
  "EVOLINK_API_KEY",
  "EVOLINK_API_BASE",
  "EVOLINK_FILES_BASE",
  "EVOLINK_CREATE_TIMEOUT_MS",
  "EVOLINK_GET_TIMEOUT_MS",
];
const saved = Object.fromEntries(ENV.map((name) => [name, process.env[name]]));

let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 60, hangMs: HANG_MS });
  process.env.EVOLINK_API_KEY = KEY;
  process.env.EVOLINK_API_BASE = sim.url;
  process.env.EVOLINK_FILES_BASE = sim.url;
  shortTimeouts();
});

// Well under HANG_MS, so a timeout is the client's own and not the simulator dropping the connection.
function shortTimeouts(): void {
  process.env.EVOLINK_CREATE_TIMEOUT_MS = "250";
  process.env.EVOLINK_GET_TIMEOUT_MS = "250";
}

afterEach(shortTimeouts);

afterAll(async () => {
  for (const name of ENV) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
  await sim.close();
});

let counter = 0;
const prompt = (scenario: string): string =>
  `A harbour at dawn ${++counter}-${Date.now()} <<<video_1>>> [sim:${scenario}]`;

function postCreate(text: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${sim.url}/v1/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      model: "kling-o3-reference-to-video",
      prompt: text,
      video_url: "https://media.example.com/a.mp4",
    }),
    signal,
  });
}

const poll = (id: string, signal?: AbortSignal): Promise<Response> =>
  fetch(`${sim.url}/v1/tasks/${id}`, { headers: { Authorization: `Bearer ${KEY}` }, signal });

interface Log {
  creates: { body: { prompt?: string } | null; taskId: string | null; status: number }[];
  taskGets: Record<string, number>;
}
const simLog = async (): Promise<Log> => (await fetch(`${sim.url}/__sim/log`)).json() as Promise<Log>;

async function createsFor(text: string): Promise<Log["creates"]> {
  return (await simLog()).creates.filter((entry) => entry.body?.prompt === text);
}

/** Creates a task tagged with `scenario` (its create answers normally) and returns its id. */
async function taskFor(scenario: string): Promise<string> {
  const res = await postCreate(prompt(scenario));
  expect(res.status).toBe(200);
  return ((await res.json()) as { id: string }).id;
}

/** The network error a fetch failed with (undici wraps it as `cause`). */
async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  const cause = (error as Error & { cause?: { code?: string } }).cause;
  return `${(error as Error).name}:${cause?.code ?? ""}`;
}

describe("simulator transport faults", () => {
  it("the README names every scenario", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    for (const { name } of SIMULATOR_SCENARIOS) expect(readme).toContain(`[sim:${name}]`);
  });

  it("create-timeout creates the task, answers nothing, and drops the connection after hangMs", async () => {
    const text = prompt("create-timeout");
    const started = performance.now();
    expect(await failure(postCreate(text))).toMatch(/^TypeError:/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(HANG_MS - 20);
    const [entry, ...rest] = await createsFor(text);
    expect(rest).toHaveLength(0);
    expect(entry).toMatchObject({ status: 0, taskId: expect.stringMatching(/^task-unified-/) });
    expect((await poll(entry!.taskId!)).status).toBe(200);
  });

  it("create-timeout lets a client that gives up first go at once", async () => {
    expect(await failure(postCreate(prompt("create-timeout"), AbortSignal.timeout(100)))).toBe("TimeoutError:");
  });

  it("create-reset creates the task and resets the connection", async () => {
    const text = prompt("create-reset");
    expect(await failure(postCreate(text))).toBe("TypeError:ECONNRESET");
    const [entry] = await createsFor(text);
    expect(entry).toMatchObject({ status: 0, taskId: expect.stringMatching(/^task-unified-/) });
  });

  it("bad-gateway creates the task behind a proxy's 502 HTML page", async () => {
    const text = prompt("bad-gateway");
    const res = await postCreate(text);
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toContain("502 Bad Gateway");
    expect((await createsFor(text))[0]).toMatchObject({ status: 502, taskId: expect.stringMatching(/^task-unified-/) });
  });

  it("poll-timeout holds the first 4 polls, then answers", async () => {
    const id = await taskFor("poll-timeout");
    for (let i = 0; i < 4; i++) expect(await failure(poll(id, AbortSignal.timeout(100)))).toBe("TimeoutError:");
    expect((await poll(id)).status).toBe(200);
  });

  it("poll-reset resets the first 4 polls, then answers", async () => {
    const id = await taskFor("poll-reset");
    for (let i = 0; i < 4; i++) expect(await failure(poll(id))).toBe("TypeError:ECONNRESET");
    expect((await poll(id)).status).toBe(200);
  });

  it("poll-truncated sends half of a declared Content-Length, then resets; then answers whole", async () => {
    const id = await taskFor("poll-truncated");
    const whole = await (async () => {
      for (let i = 0; i < 4; i++) {
        const res = await poll(id);
        expect(res.status).toBe(200);
        expect(Number(res.headers.get("content-length"))).toBeGreaterThan(100);
        expect(await failure(res.text())).toMatch(/^TypeError:/);
      }
      return poll(id);
    })();
    expect(((await whole.json()) as { id: string }).id).toBe(id);
  });

  it("poll-bad-gateway answers the first 4 polls with a 502 page", async () => {
    const id = await taskFor("poll-bad-gateway");
    for (let i = 0; i < 4; i++) {
      const res = await poll(id);
      expect([res.status, await res.text()]).toEqual([502, expect.stringContaining("Bad Gateway")]);
    }
    expect((await poll(id)).status).toBe(200);
  });

  it("poll-rate-limit-burst answers the first 4 polls 429 with Retry-After: 1", async () => {
    const id = await taskFor("poll-rate-limit-burst");
    for (let i = 0; i < 4; i++) {
      const res = await poll(id);
      expect([res.status, res.headers.get("retry-after")]).toEqual([429, "1"]);
      expect(await res.json()).toEqual({
        error: { code: "rate_limit_exceeded", message: "Rate limit exceeded", type: "evo_api_error" },
      });
    }
    expect((await poll(id)).status).toBe(200);
  });
});

const request = (text: string) => ({
  ...GENERATION_DEFAULTS,
  prompt: text,
  videoUrl: "https://media.example.com/a.mp4",
});

describe("the client under transport faults", () => {
  for (const scenario of ["create-timeout", "create-reset", "bad-gateway"]) {
    it(`${scenario}: the create is an unknown outcome, sent exactly once`, async () => {
      const text = prompt(scenario);
      const started = performance.now();
      const error = await upstreamErrorFrom(createGeneration(request(text)));
      expect(error.code).toBe("create_outcome_unknown");
      expect(error.retryable).toBe(false);
      // The short create timeout applies, not the simulator's hang.
      expect(performance.now() - started).toBeLessThan(HANG_MS);
      expect(await createsFor(text)).toHaveLength(1);
    });
  }

  it("a timed-out read is retried, reported as upstream_timeout, and the next read recovers", async () => {
    const id = await taskFor("poll-timeout");
    expect((await upstreamErrorFrom(getTask(id))).code).toBe("upstream_timeout");
    expect((await simLog()).taskGets[id]).toBe(3);
    expect((await getTask(id)).id).toBe(id);
    expect((await simLog()).taskGets[id]).toBe(5);
  });

  for (const scenario of ["poll-reset", "poll-truncated"]) {
    it(`${scenario}: reads are retried, then reported as upstream_unreachable; the next read recovers`, async () => {
      const id = await taskFor(scenario);
      const error = await upstreamErrorFrom(getTask(id));
      expect([error.code, error.retryable]).toEqual(["upstream_unreachable", true]);
      expect((await getTask(id)).id).toBe(id);
      expect((await simLog()).taskGets[id]).toBe(5);
    });
  }

  it("poll-bad-gateway reads are retried and reported as a retryable upstream error", async () => {
    const id = await taskFor("poll-bad-gateway");
    const error = await upstreamErrorFrom(getTask(id));
    expect([error.code, error.retryable, error.httpStatus]).toEqual(["upstream_error", true, 502]);
    expect((await getTask(id)).id).toBe(id);
  });

  it("a 429 burst with Retry-After is waited out between retries, and the wait is passed on", async () => {
    const id = await taskFor("poll-rate-limit-burst");
    const started = performance.now();
    const error = await upstreamErrorFrom(getTask(id));
    // Two retries, each after the 1 s the upstream asked for (p-retry's own backoff adds to it).
    expect(performance.now() - started).toBeGreaterThanOrEqual(2000);
    expect([error.code, error.retryAfterMs]).toEqual(["rate_limit_exceeded", 1000]);
    expect((await getTask(id)).id).toBe(id);
  });
});

describe("an upstream error from another copy of the client module", () => {
  it("is still recognised, so a poll the background poller started never turns into a 500", async () => {
    // Next bundles instrumentation and routes apart; a fresh module registry gives the same second copy.
    vi.resetModules();
    const other = await import("@/lib/server/evolink/upstream-error");
    expect(other.UpstreamError).not.toBe(UpstreamError);
    const error = new other.UpstreamError("upstream_unreachable", undefined, undefined);
    expect(error).toBeInstanceOf(UpstreamError);
    const response = failureResponse(error);
    expect(response.status).toBe(503);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("upstream_unreachable");
    expect(new Error("upstream_unreachable")).not.toBeInstanceOf(UpstreamError);
  });
});

describe("timeout configuration", () => {
  it("defaults to 30 s for a create and 15 s for a read", () => {
    delete process.env.EVOLINK_CREATE_TIMEOUT_MS;
    delete process.env.EVOLINK_GET_TIMEOUT_MS;
    expect(upstreamTimeouts()).toEqual({ createMs: 30_000, getMs: 15_000 });
  });

  it.each([
    ["abc", "must be a number of milliseconds"],
    ["1.5", "must be a whole number"],
    ["50", "must be at least 100 ms"],
    ["700000", "must be at most 600000 ms"],
  ])("refuses %s with a message naming the variable", (value, message) => {
    process.env.EVOLINK_GET_TIMEOUT_MS = value;
    expect(() => upstreamTimeouts()).toThrow(`EVOLINK_GET_TIMEOUT_MS=${value} ${message}`);
  });
});
