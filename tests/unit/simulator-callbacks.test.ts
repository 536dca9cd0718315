import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CallbackLogEntry } from "@/lib/simulator/log";
import {
  resolveSimulatorOptions,
  startSimulator,
  type RunningSimulator,
  type SimulatorOptions,
} from "@/lib/simulator/server";

// The documented schedule (CONTRACT.md, "Callbacks": 10 s per attempt, retries after 1 s, 2 s, 4 s) scaled down 10×.
const KEY = "sk-test-callbacks";
const DELAYS = [100, 200, 400];
const TIMEOUT_MS = 300;
const PUBLIC_ORIGIN = "https://hooks.example.com";

interface Received {
  at: number;
  method: string;
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

/** A local receiver standing behind the simulated tunnel; `answer` decides each response (null: never answer). */
let receiver: Server;
let receiverUrl = "";
let received: Received[] = [];
let answer: (n: number) => number | null = () => 200;

beforeAll(async () => {
  receiver = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({
        at: Date.now(),
        method: req.method ?? "",
        path: req.url ?? "",
        contentType: req.headers["content-type"],
        body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>,
      });
      const status = answer(received.length);
      if (status !== null) res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});

afterAll(async () => {
  receiver.closeAllConnections();
  await new Promise((resolve) => receiver.close(resolve));
});

const started: RunningSimulator[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((sim) => sim.close()));
  received = [];
  answer = () => 200;
});

async function simulator(overrides: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({
    apiKey: KEY,
    taskSeconds: 0.2,
    callbackRetryDelaysMs: DELAYS,
    callbackTimeoutMs: TIMEOUT_MS,
    callbackTunnel: { from: PUBLIC_ORIGIN, to: receiverUrl },
    ...overrides,
  });
  started.push(sim);
  return sim;
}

async function create(sim: RunningSimulator, extra: Record<string, unknown>): Promise<Response> {
  return fetch(`${sim.url}/v1/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      model: "kling-o3-reference-to-video",
      prompt: "a lighthouse in the style of <<<video_1>>>",
      video_url: "https://media.example.com/ref.mp4",
      ...extra,
    }),
  });
}

async function createTask(sim: RunningSimulator, extra: Record<string, unknown>): Promise<string> {
  const response = await create(sim, extra);
  expect(response.status).toBe(200);
  return ((await response.json()) as { id: string }).id;
}

const callbacks = async (sim: RunningSimulator): Promise<CallbackLogEntry[]> =>
  ((await (await fetch(`${sim.url}/__sim/log`)).json()) as { callbacks: CallbackLogEntry[] }).callbacks;

async function waitForCallbacks(sim: RunningSimulator, count: number, timeoutMs = 5_000): Promise<CallbackLogEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await callbacks(sim);
    if (entries.length >= count) return entries;
    if (Date.now() > deadline) throw new Error(`expected ${count} callback attempts, saw ${entries.length}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const gaps = (entries: Received[]) => entries.slice(1).map((entry, i) => entry.at - (entries[i]?.at ?? 0));

describe("callback delivery", () => {
  it("POSTs the same body as GET /v1/tasks/{id} once the task completes, and stops at the first 2xx", async () => {
    const sim = await simulator();
    const url = `${PUBLIC_ORIGIN}/api/webhooks/evolink/tok-123?x=1`;
    const id = await createTask(sim, { callback_url: url });
    const [entry] = await waitForCallbacks(sim, 1);
    expect(entry).toMatchObject({
      taskId: id,
      url,
      deliveredTo: `${receiverUrl}/api/webhooks/evolink/tok-123?x=1`,
      attempt: 1,
      status: 200,
      error: null,
    });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      method: "POST",
      path: "/api/webhooks/evolink/tok-123?x=1",
      contentType: "application/json",
    });
    const get = await (
      await fetch(`${sim.url}/v1/tasks/${id}`, { headers: { Authorization: `Bearer ${KEY}` } })
    ).json();
    expect(received[0]?.body).toEqual(get);
    expect(received[0]?.body).toMatchObject({ id, status: "completed", progress: 100 });
    await sleep(DELAYS[0]! * 2);
    expect(received).toHaveLength(1);
  });

  it("retries a non-2xx answer after the first and second waits, and stops once one succeeds", async () => {
    answer = (n) => (n < 3 ? 500 : 204);
    const sim = await simulator();
    await createTask(sim, { callback_url: `${PUBLIC_ORIGIN}/hook` });
    const entries = await waitForCallbacks(sim, 3);
    expect(entries.map((e) => [e.attempt, e.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 204],
    ]);
    const [first = 0, second = 0] = gaps(received);
    expect(first).toBeGreaterThanOrEqual(DELAYS[0]! - 5);
    expect(second).toBeGreaterThanOrEqual(DELAYS[1]! - 5);
    await sleep(DELAYS[2]! + 100);
    expect(received).toHaveLength(3);
  });

  it("gives up after 4 attempts (1 + 3 retries at the 1/2/4 schedule)", async () => {
    answer = () => 503;
    const sim = await simulator();
    await createTask(sim, { callback_url: `${PUBLIC_ORIGIN}/hook` });
    const entries = await waitForCallbacks(sim, 4);
    expect(entries.map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
    expect(entries.every((e) => e.status === 503)).toBe(true);
    gaps(received).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(DELAYS[i]! - 5));
    await sleep(DELAYS[2]! * 2);
    expect(received).toHaveLength(4);
    expect(await callbacks(sim)).toHaveLength(4);
  });

  it("counts an answer slower than the per-attempt timeout as a failure and retries", async () => {
    answer = (n) => (n === 1 ? null : 200);
    const sim = await simulator();
    await createTask(sim, { callback_url: `${PUBLIC_ORIGIN}/hook` });
    const entries = await waitForCallbacks(sim, 2);
    expect(entries[0]).toMatchObject({ attempt: 1, status: null, error: `no answer within ${TIMEOUT_MS} ms` });
    expect(entries[1]).toMatchObject({ attempt: 2, status: 200, error: null });
  });

  it("retries when the receiver cannot be reached, recording why", async () => {
    const sim = await simulator({
      callbackTunnel: { from: PUBLIC_ORIGIN, to: `http://127.0.0.1:${await closedPort()}` },
    });
    await createTask(sim, { callback_url: `${PUBLIC_ORIGIN}/hook` });
    const entries = await waitForCallbacks(sim, 4);
    expect(entries.map((e) => [e.attempt, e.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [4, null],
    ]);
    expect(entries[0]?.error).toBe("ECONNREFUSED");
  });

  it("fires for failed and cancelled tasks too, with the final status in the body", async () => {
    const sim = await simulator();
    const failed = await createTask(sim, { prompt: "x [sim:content-policy]", callback_url: `${PUBLIC_ORIGIN}/failed` });
    const cancelled = await createTask(sim, {
      prompt: "x [sim:cancelled]",
      callback_url: `${PUBLIC_ORIGIN}/cancelled`,
    });
    await waitForCallbacks(sim, 2);
    const byId = new Map(received.map((r) => [r.body.id, r.body]));
    expect(byId.get(failed)).toMatchObject({
      status: "failed",
      error: { code: "content_policy_violation", type: "task_error" },
    });
    expect(byId.get(cancelled)).toMatchObject({ status: "cancelled", task_info: { can_cancel: false } });
  });

  it("sends nothing for a task created without callback_url", async () => {
    const sim = await simulator();
    await createTask(sim, {});
    await sleep(400);
    expect(await callbacks(sim)).toEqual([]);
    expect(received).toEqual([]);
  });

  it("drops pending callbacks on reset and on close", async () => {
    const sim = await simulator({ taskSeconds: 0.3 });
    await createTask(sim, { callback_url: `${PUBLIC_ORIGIN}/reset` });
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
    const closing = await simulator({ taskSeconds: 0.3 });
    await createTask(closing, { callback_url: `${PUBLIC_ORIGIN}/close` });
    await closing.close();
    started.splice(started.indexOf(closing), 1);
    await sleep(600);
    expect(received).toEqual([]);
    expect(await callbacks(sim)).toEqual([]);
  });

  it("drops a retry that was waiting when the simulator is reset", async () => {
    answer = () => 500;
    const sim = await simulator();
    await createTask(sim, { callback_url: `${PUBLIC_ORIGIN}/hook` });
    await waitForCallbacks(sim, 1);
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
    await sleep(DELAYS[0]! + DELAYS[1]! + 100);
    expect(received).toHaveLength(1);
  });
});

describe("callback_url validation (as the upstream does it)", () => {
  const refused: Array<[string, unknown]> = [
    ["http", "http://hooks.example.com/x"],
    ["a relative path", "/api/webhooks/x"],
    ["a number", 42],
    ["10.x", "https://10.1.2.3/x"],
    ["link-local", "https://169.254.169.254/latest"],
    ["unspecified", "https://0.0.0.0/x"],
    ["IPv4-mapped loopback", "https://[::ffff:127.0.0.1]/x"],
    ["IPv6 unique local", "https://[fd00::1]/x"],
    ["a localhost subdomain", "https://app.localhost/x"],
    ["2049 characters", `https://hooks.example.com/${"a".repeat(2049 - "https://hooks.example.com/".length)}`],
  ];
  it.each(refused)("refuses %s with a 400 naming callback_url, and creates nothing", async (_name, callbackUrl) => {
    const sim = await simulator();
    const response = await create(sim, { callback_url: callbackUrl });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: unknown }).error).toMatchObject({
      code: "invalid_parameter",
      param: "callback_url",
    });
    const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as { creates: Array<{ taskId: string | null }> };
    expect(log.creates.map((c) => c.taskId)).toEqual([null]);
  });

  it("accepts exactly 2048 characters", async () => {
    const sim = await simulator();
    const url = `${PUBLIC_ORIGIN}/${"a".repeat(2048 - PUBLIC_ORIGIN.length - 1)}`;
    expect(url).toHaveLength(2048);
    expect((await create(sim, { callback_url: url })).status).toBe(200);
  });

  it("checks the tunnel option: an https origin to an http(s) origin, nothing else", () => {
    expect(
      resolveSimulatorOptions({
        callbackTunnel: { from: "https://a.example", to: "http://127.0.0.1:9" },
        filesDir: "/nonexistent",
      }).callbackTunnel,
    ).toEqual({
      from: "https://a.example",
      to: "http://127.0.0.1:9",
    });
    for (const tunnel of [
      { from: "http://a.example", to: "http://127.0.0.1:9" },
      { from: "https://a.example/path", to: "http://127.0.0.1:9" },
      { from: "https://a.example", to: "ftp://127.0.0.1:9" },
      { from: "not a url", to: "http://127.0.0.1:9" },
    ]) {
      expect(() => resolveSimulatorOptions({ callbackTunnel: tunnel, filesDir: "/nonexistent" })).toThrow(RangeError);
    }
  });
});
