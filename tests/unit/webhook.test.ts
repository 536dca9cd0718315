import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as getTaskRoute } from "@/app/api/tasks/[id]/route";
import { POST as webhook } from "@/app/api/webhooks/evolink/[token]/route";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { CLIENT_ADDRESS_HEADER, clientAddressStamp } from "@/lib/server/http/client-address";
import type { CallbackLogEntry } from "@/lib/simulator/log";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { rawSqlite } from "./store-engines";
import { findTask } from "@/lib/server/store/tasks";
import { submitGeneration } from "@/lib/server/tasks/submit";
import { refreshTask } from "@/lib/server/tasks/refresh";
import { refreshFromCallback } from "@/lib/server/tasks/callbacks";

const KEY = "sk-test-webhook";
const PUBLIC_BASE_URL = "https://studio.example.com";
const TASK_SECONDS = 0.4;
const saved = { ...process.env };
let sim: RunningSimulator;
/**
 * Stands in for the public https address: turns the simulator's callbacks into calls of the route
 * handler, for the tasks listed in `bridged` only (others get 503), so tests that post callbacks by
 * hand decide alone when their task is refreshed.
 */
let bridge: Server;
const bridged = new Set<string>();

beforeAll(async () => {
  bridge = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      if (!bridged.has((JSON.parse(body.toString("utf8")) as { id: string }).id)) return res.writeHead(503).end();
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const token = decodeURIComponent((req.url ?? "").split("/").pop() ?? "");
      const response = await webhook(
        new Request(`${PUBLIC_BASE_URL}${req.url}`, { method: req.method, headers, body }),
        { params: Promise.resolve({ token }) },
      );
      res.writeHead(response.status, { "Content-Type": "application/json" }).end(await response.text());
    });
  });
  await new Promise<void>((resolve) => bridge.listen(0, "127.0.0.1", resolve));
  sim = await startSimulator({
    apiKey: KEY,
    taskSeconds: TASK_SECONDS,
    publicFilesBase: "",
    slowMs: 800,
    callbackRetryDelaysMs: [100, 200, 400],
    callbackTunnel: { from: PUBLIC_BASE_URL, to: `http://127.0.0.1:${(bridge.address() as AddressInfo).port}` },
  });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    PUBLIC_BASE_URL,
    // Long, so only a callback (or an explicit refresh) can move a task during these tests.
    POLL_INTERVAL_MS: "60000",
    RATE_LIMIT_WEBHOOK_PER_MIN: "60",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
  bridge.closeAllConnections();
  await new Promise((resolve) => bridge.close(resolve));
});

afterEach(async () => vi.unstubAllEnvs());

interface SimLog {
  creates: Array<{ body: { prompt?: string; callback_url?: string } | null; taskId: string | null }>;
  taskGets: Record<string, number>;
  callbacks: CallbackLogEntry[];
}
const simLog = async (): Promise<SimLog> => (await (await fetch(`${sim.url}/__sim/log`)).json()) as SimLog;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const request = (prompt: string) => ({ ...GENERATION_DEFAULTS, prompt, videoUrl: "https://media.example.com/a.mp4" });

/** Submits a generation and returns its task id and the token the upstream was given. */
async function submit(prompt: string): Promise<{ id: string; token: string; callbackUrl: string }> {
  const { task } = await submitGeneration(request(prompt));
  const create = (await simLog()).creates.find((c) => c.taskId === task.id);
  const callbackUrl = create?.body?.callback_url ?? "";
  return { id: task.id, token: callbackUrl.split("/").pop() ?? "", callbackUrl };
}

const callback = (token: string, body: unknown, headers: Record<string, string> = {}) =>
  webhook(
    new Request(`http://studio/api/webhooks/evolink/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
    { params: Promise.resolve({ token }) },
  );

async function errorCode(response: Response): Promise<string> {
  const body = (await response.json()) as { error?: { code?: string; message?: string } };
  expect(typeof body.error?.message).toBe("string");
  return body.error?.code ?? "";
}

describe("callback URLs", () => {
  it("sends a callback_url under PUBLIC_BASE_URL with a 256-bit token, and stores only its SHA-256", async () => {
    const { id, token, callbackUrl } = await submit("token storage");
    expect(callbackUrl).toBe(`${PUBLIC_BASE_URL}/api/webhooks/evolink/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    const row = (await rawSqlite()).prepare("SELECT * FROM submissions WHERE task_id = ?").get(id) as Record<
      string,
      unknown
    >;
    expect(row.callback_token_hash).toBe(createHash("sha256").update(token).digest("hex"));
    const everything = JSON.stringify([
      (await rawSqlite()).prepare("SELECT * FROM submissions").all(),
      (await rawSqlite()).prepare("SELECT * FROM tasks").all(),
    ]);
    expect(everything).not.toContain(token);
  });

  it("gives every submission its own token", async () => {
    const tokens = await Promise.all(
      ["own token 1", "own token 2", "own token 3"].map(async (p) => (await submit(p)).token),
    );
    expect(new Set(tokens).size).toBe(3);
  });

  it("sends no callback_url when PUBLIC_BASE_URL is unset, and browsers then poll at the upstream interval", async () => {
    vi.stubEnv("PUBLIC_BASE_URL", "");
    const { task } = await submitGeneration(request("polling only"));
    const create = (await simLog()).creates.find((c) => c.taskId === task.id);
    expect(create?.body).not.toHaveProperty("callback_url");
    expect(task.pollAfterMs).toBeGreaterThanOrEqual(60_000 + 20);
    expect(task.pollAfterMs).toBeLessThanOrEqual(60_000 + 60);
  });

  it("has browsers ask the studio every 2 s when callbacks are on, whatever the upstream interval", async () => {
    const { task } = await submitGeneration(request("browser poll"));
    expect(task.pollAfterMs).toBeGreaterThanOrEqual(2000 + 20);
    expect(task.pollAfterMs).toBeLessThanOrEqual(2000 + 60);
  });
});

describe("the callback route refuses", () => {
  const forge = (token: string) => `${token.slice(0, 10)}${token[10] === "A" ? "B" : "A"}${token.slice(11)}`;
  const cases: Array<[string, number, string, (t: { id: string; token: string }) => Promise<Response>]> = [
    [
      "a well-formed token nobody was given",
      404,
      "unknown_callback",
      ({ id }) => callback(randomBytes(32).toString("base64url"), { id }),
    ],
    [
      "a forged token (one character changed)",
      404,
      "unknown_callback",
      ({ id, token }) => callback(forge(token), { id }),
    ],
    ["a malformed token", 404, "unknown_callback", ({ id }) => callback("..%2F..%2Fapi%2Ftasks", { id })],
    ["an empty token", 404, "unknown_callback", ({ id }) => callback("", { id })],
    [
      "another task's id in the body",
      422,
      "callback_task_mismatch",
      ({ token }) => callback(token, { id: "task-unified-1757169743-7cvnl5zw", status: "completed" }),
    ],
    ["a body without an id", 400, "validation_failed", ({ token }) => callback(token, { status: "completed" })],
    ["a JSON array", 400, "validation_failed", ({ token }) => callback(token, [1, 2])],
    ["invalid JSON", 400, "invalid_json", ({ token }) => callback(token, "{ not json")],
    ["an empty body", 400, "invalid_json", ({ token }) => callback(token, "")],
    [
      "a form body",
      415,
      "unsupported_media_type",
      ({ id, token }) => callback(token, `id=${id}`, { "content-type": "application/x-www-form-urlencoded" }),
    ],
    [
      "a body over 64 KB",
      413,
      "payload_too_large",
      ({ id, token }) => callback(token, { id, padding: "x".repeat(64 * 1024) }),
    ],
  ];

  it.each(cases)("%s → a %i JSON error (%s), no upstream call, store unchanged", async (_name, status, code, send) => {
    const task = await submit(`refused ${code} ${status}`);
    const before = await findTask(task.id);
    const gets = (await simLog()).taskGets[task.id] ?? 0;
    const response = await send(task);
    expect(response.status).toBe(status);
    expect(await errorCode(response)).toBe(code);
    expect((await simLog()).taskGets[task.id] ?? 0).toBe(gets);
    expect(await findTask(task.id)).toEqual(before);
  });

  it("a token whose task was deleted from the history", async () => {
    const task = await submit("deleted task");
    (await rawSqlite()).prepare("DELETE FROM tasks WHERE id = ?").run(task.id);
    const response = await callback(task.token, { id: task.id });
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe("unknown_callback");
  });

  it("more callbacks from one address than the budget allows → 429 with Retry-After", async () => {
    const from = { [CLIENT_ADDRESS_HEADER]: clientAddressStamp("203.0.113.77") };
    for (let i = 0; i < 60; i += 1) expect((await callback("x", {}, from)).status).toBe(404);
    const limited = await callback("x", {}, from);
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await errorCode(limited)).toBe("too_many_requests");
  });
});

describe("a genuine callback", () => {
  it("makes one authoritative upstream GET, whatever the body claims, and updates the store", async () => {
    const task = await submit("genuine callback");
    await sleep(TASK_SECONDS * 1000 + 100);
    expect((await findTask(task.id))?.upstreamStatus).toBe("pending");
    const gets = (await simLog()).taskGets[task.id] ?? 0;
    // The body lies (failed, another result); the studio believes only the upstream.
    const response = await callback(task.token, {
      id: task.id,
      status: "failed",
      results: ["https://evil.example/x.mp4"],
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, taskId: task.id, phase: "completed" });
    expect((await simLog()).taskGets[task.id]).toBe(gets + 1);
    const stored = await findTask(task.id);
    expect(stored).toMatchObject({ upstreamStatus: "completed", progress: 100, error: null });
    expect(stored?.resultUrl).toContain(sim.url);
  });

  it("is answered 200 again, with no upstream call, once the task is finished", async () => {
    const task = await submit("repeated callback");
    await sleep(TASK_SECONDS * 1000 + 100);
    expect((await callback(task.token, { id: task.id })).status).toBe(200);
    const gets = (await simLog()).taskGets[task.id];
    for (let i = 0; i < 3; i += 1) {
      const again = await callback(task.token, { id: task.id });
      expect(again.status).toBe(200);
      expect(((await again.json()) as { phase: string }).phase).toBe("completed");
    }
    expect((await simLog()).taskGets[task.id]).toBe(gets);
  });

  it("does not hold the caller while a slow upstream answers: the refresh finishes in the background", async () => {
    const task = await submit("slow upstream [sim:slow]");
    await sleep(TASK_SECONDS * 1000 + 100);
    const startedAt = Date.now();
    expect(await refreshFromCallback(task.id, 200)).toBeNull();
    expect(Date.now() - startedAt).toBeLessThan(700);
    expect((await findTask(task.id))?.upstreamStatus).toBe("pending");
    for (let waited = 0; (await findTask(task.id))?.upstreamStatus !== "completed" && waited < 3_000; waited += 50)
      await sleep(50);
    expect((await findTask(task.id))?.upstreamStatus).toBe("completed");
    expect((await simLog()).taskGets[task.id]).toBe(1);
  });

  it("passes without a session or same-origin headers while the other routes stay gated", async () => {
    vi.stubEnv("APP_PASSWORD", "correct horse battery");
    const task = await submit("gated studio");
    await sleep(TASK_SECONDS * 1000 + 100);
    const crossSite = { "sec-fetch-site": "cross-site", origin: "https://api.evolink.ai" };
    expect((await callback(task.token, { id: task.id }, crossSite)).status).toBe(200);
    const read = await getTaskRoute(new Request(`http://studio/api/tasks/${task.id}`, { headers: crossSite }), {
      params: Promise.resolve({ id: task.id }),
    });
    expect(read.status).toBe(401);
    expect(await errorCode(read)).toBe("sign_in_required");
  });

  it("from the simulator itself completes the task before any poll, with exactly one upstream GET", async () => {
    const task = await submit("delivered by the simulator");
    bridged.add(task.id);
    let delivered: CallbackLogEntry | undefined;
    for (let waited = 0; !delivered && waited < 5_000; waited += 50) {
      await sleep(50);
      delivered = (await simLog()).callbacks.find((c) => c.taskId === task.id);
    }
    expect(delivered).toMatchObject({ url: task.callbackUrl, attempt: 1, status: 200, error: null });
    expect(await findTask(task.id)).toMatchObject({ upstreamStatus: "completed", progress: 100 });
    expect((await simLog()).taskGets[task.id]).toBe(1);
    // With the interval not elapsed, a browser's poll is answered from the store.
    expect((await refreshTask(task.id))?.phase).toBe("completed");
    expect((await simLog()).taskGets[task.id]).toBe(1);
  });
});
