import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { POST as webhook } from "@/app/api/webhooks/evolink/[token]/route";
import { loggedPath } from "@/lib/server/http/api-route";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { redirectLogs } from "@/lib/server/log";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { findTask } from "@/lib/server/store/tasks";
import { submitGeneration } from "@/lib/server/tasks/submit";

// Callbacks must not multiply upstream reads (each one is a GET with the key), and their tokens must
// never reach a log line.
const KEY = "sk-test-callback-refresh";
const PUBLIC_BASE_URL = "https://studio.example.com";
const saved = { ...process.env };
let sim: RunningSimulator;

beforeAll(async () => {
  // Tasks outlast every test, so only callbacks move them; the simulator's own callbacks go nowhere.
  sim = await startSimulator({
    apiKey: KEY,
    taskSeconds: 60,
    publicFilesBase: "",
    callbackTunnel: { from: PUBLIC_BASE_URL, to: "http://127.0.0.1:9" },
  });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    PUBLIC_BASE_URL,
    POLL_INTERVAL_MS: "60000",
    RATE_LIMIT_WEBHOOK_PER_MIN: "10000",
    LOG_LEVEL: "info",
  });
});

afterEach(async () => vi.unstubAllEnvs());

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const taskGets = async (id: string) =>
  ((await (await fetch(`${sim.url}/__sim/log`)).json()) as { taskGets: Record<string, number> }).taskGets[id] ?? 0;

async function submit(prompt: string): Promise<{ id: string; token: string }> {
  const { task } = await submitGeneration({
    ...GENERATION_DEFAULTS,
    prompt,
    videoUrl: "https://media.example.com/a.mp4",
  });
  const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as {
    creates: Array<{ taskId: string | null; body: { callback_url?: string } | null }>;
  };
  const token =
    log.creates
      .find((c) => c.taskId === task.id)
      ?.body?.callback_url?.split("/")
      .pop() ?? "";
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return { id: task.id, token };
}

const callback = (token: string, id: string) =>
  webhook(
    new Request(`${PUBLIC_BASE_URL}/api/webhooks/evolink/${token}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id, status: "completed" }),
    }),
    { params: Promise.resolve({ token }) },
  );

describe("callback-triggered refreshes", () => {
  it("30 parallel callbacks for one task, arriving over ~100 ms as over a network, make at most one upstream GET", async () => {
    const { id, token } = await submit("thirty at once");
    const responses = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => (await sleep(i * 3), callback(token, id))),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect(await taskGets(id)).toBe(1);
  });

  it("30 callbacks one after another within a poll interval make one upstream GET", async () => {
    const { id, token } = await submit("thirty in a row");
    for (let i = 0; i < 30; i += 1) expect((await callback(token, id)).status).toBe(200);
    expect(await taskGets(id)).toBe(1);
    expect((await findTask(id))?.polledAt).not.toBeNull();
  });

  it("once the interval has passed, a callback asks the upstream again at once", async () => {
    vi.stubEnv("POLL_INTERVAL_MS", "300");
    const { id, token } = await submit("after the gap");
    await callback(token, id);
    await callback(token, id);
    expect(await taskGets(id)).toBe(1);
    await sleep(350);
    await callback(token, id);
    expect(await taskGets(id)).toBe(2);
  });
});

describe("callback tokens in logs", () => {
  it("the access line shows the callback path with its token redacted, and no line holds the token", async () => {
    const chunks: string[] = [];
    redirectLogs(
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk.toString("utf8"));
          done();
        },
      }),
    );
    const { id, token } = await submit("logged callback");
    expect((await callback(token, id)).status).toBe(200);
    // A forged token and a malformed one are logged the same way.
    const forged = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    expect((await callback(forged, id)).status).toBe(404);
    expect((await callback("not-a-token%2F..", id)).status).toBe(404);
    const text = chunks.join("");
    expect(text).not.toContain(token);
    expect(text).not.toContain(forged);
    expect(text).not.toContain(token.slice(0, 20));
    const access = text
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string; path?: string });
    const paths = access.filter((line) => line.msg === "request").map((line) => line.path);
    expect(paths).toEqual(Array(3).fill("/api/webhooks/evolink/[redacted]"));
  });

  it("loggedPath redacts the token segment wherever the route sits, and leaves other paths alone", async () => {
    expect(loggedPath("https://s.example/api/webhooks/evolink/abc?x=1")).toBe("/api/webhooks/evolink/[redacted]");
    expect(loggedPath("https://s.example/prefix/api/webhooks/evolink/abc/")).toBe(
      "/prefix/api/webhooks/evolink/[redacted]/",
    );
    expect(loggedPath("http://s/api/tasks/task-unified-1-abcdefgh?download=1")).toBe(
      "/api/tasks/task-unified-1-abcdefgh",
    );
  });
});
