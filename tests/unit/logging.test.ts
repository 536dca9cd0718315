import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GET as getTaskRoute } from "@/app/api/tasks/[id]/route";
import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute, requestIdFor } from "@/lib/server/http/api-route";
import { createGeneration, getTask } from "@/lib/server/evolink/client";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { createLogger, log, redirectLogs, withLogContext } from "@/lib/server/log";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

const KEY = "sk-log-canary-3b9f0e7d2c14";
const PASSWORD = 'pa"ss\\word-with-quotes';
const ENV_NAMES = ["EVOLINK_API_KEY", "EVOLINK_API_BASE", "EVOLINK_FILES_BASE", "APP_PASSWORD", "LOG_LEVEL"] as const;
const savedEnv = Object.fromEntries(ENV_NAMES.map((name) => [name, process.env[name]]));

type Line = Record<string, unknown>;

/** A destination stream that keeps what pino writes, exactly as it would reach stdout. */
function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString("utf8"));
      done();
    },
  });
  const text = () => chunks.join("");
  const lines = (): Line[] =>
    text()
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
  return { stream, text, lines };
}

let sim: RunningSimulator;
let out: ReturnType<typeof capture>;

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 2, port: 0 });
  process.env.EVOLINK_API_KEY = KEY;
  process.env.EVOLINK_API_BASE = sim.url;
  process.env.EVOLINK_FILES_BASE = sim.url;
  process.env.APP_PASSWORD = PASSWORD;
  process.env.LOG_LEVEL = "info";
});

beforeEach(() => {
  out = capture();
  redirectLogs(out.stream);
});

afterAll(async () => {
  for (const name of ENV_NAMES) {
    if (savedEnv[name] === undefined) delete process.env[name];
    else process.env[name] = savedEnv[name];
  }
  await sim?.close();
});

describe("redaction", () => {
  it("redacts authorization, cookie, set-cookie and x-api-key headers, at the top and nested", () => {
    log().info(
      {
        headers: {
          authorization: "Bearer abc",
          cookie: "studio_session=1.x",
          "set-cookie": "a=b",
          "x-api-key": "k1",
          accept: "*/*",
        },
        request: { headers: { Authorization: "Bearer def", "X-Api-Key": "k2" } },
        authorization: "Basic xyz",
      },
      "headers",
    );
    const [line] = out.lines() as [Line];
    expect(line.headers).toEqual({
      authorization: "[Redacted]",
      cookie: "[Redacted]",
      "set-cookie": "[Redacted]",
      "x-api-key": "[Redacted]",
      accept: "*/*",
    });
    expect(line.request).toEqual({ headers: { Authorization: "[Redacted]", "X-Api-Key": "[Redacted]" } });
    expect(line.authorization).toBe("[Redacted]");
    expect(out.text()).not.toMatch(/abc|def|xyz|studio_session|k1|k2/);
  });

  it("redacts key- and password-like fields down to four levels", () => {
    log().info({
      config: { apiKey: "one", nested: { deeper: { password: "two" } } },
      api_key: "three",
      user: { token: "four" },
    });
    const [line] = out.lines() as [Line];
    expect(line.config).toEqual({ apiKey: "[Redacted]", nested: { deeper: { password: "[Redacted]" } } });
    expect(line.api_key).toBe("[Redacted]");
    expect(line.user).toEqual({ token: "[Redacted]" });
  });

  it("scrubs the configured key from any string: message, field, Bearer form, base64, error stack", () => {
    const base64 = Buffer.from(KEY).toString("base64");
    log().warn(`Evolink said: invalid key ${KEY}`);
    log().info({ upstream: { echoed: `Authorization: Bearer ${KEY}`, list: [`x${KEY}y`] }, encoded: base64 }, "nested");
    log().error({ err: new Error(`failed with ${KEY}`) }, "boom");
    const text = out.text();
    expect(text).not.toContain(KEY);
    expect(text).not.toContain(base64);
    const [first, second, third] = out.lines() as [Line, Line, Line];
    expect(first.msg).toBe("Evolink said: invalid key [Redacted]");
    expect(second.upstream).toEqual({ echoed: "Authorization: Bearer [Redacted]", list: ["x[Redacted]y"] });
    expect(second.encoded).toBe("[Redacted]");
    expect((third.err as { message: string; stack: string }).message).toBe("failed with [Redacted]");
    expect((third.err as { stack: string }).stack).toContain("failed with [Redacted]");
  });

  it("scrubs APP_PASSWORD even when it holds JSON's special characters, and the line stays valid JSON", () => {
    log().info({ note: `someone typed ${PASSWORD} into the prompt` }, `and ${PASSWORD} again`);
    expect(out.text()).not.toContain(JSON.stringify(PASSWORD).slice(1, -1));
    const [line] = out.lines() as [Line];
    expect(line.note).toBe("someone typed [Redacted] into the prompt");
    expect(line.msg).toBe("and [Redacted] again");
  });

  it("leaves lines without secrets exactly as pino wrote them", () => {
    const direct = capture();
    const plain = createLogger({ destination: direct.stream, secrets: [] });
    const scrubbed = createLogger({ destination: out.stream, secrets: [KEY] });
    for (const logger of [plain, scrubbed]) logger.info({ taskId: "task-unified-1-abcdefgh", status: 200 }, "fine");
    const strip = (line: Line) => ({ ...line, time: undefined });
    expect(out.lines().map(strip)).toEqual(direct.lines().map(strip));
  });

  it("uses LOG_LEVEL, and falls back to info with a warning when it is not a level", () => {
    const quiet = capture();
    createLogger({ destination: quiet.stream, level: "warn", secrets: [] }).info("hidden");
    expect(quiet.lines()).toEqual([]);

    const wrong = capture();
    const logger = createLogger({ destination: wrong.stream, level: "verbose", secrets: [] });
    logger.info("shown");
    logger.debug("hidden");
    const lines = wrong.lines();
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      ["warn", "LOG_LEVEL is not a known level; logging at info"],
      ["info", "shown"],
    ]);
    expect(lines[0]?.LOG_LEVEL).toBe("verbose");
  });
});

describe("request ids", () => {
  const withHeader = (value: string) =>
    new Request("http://studio.test/api/tasks", { headers: { "X-Request-Id": value } });
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("keeps a caller's id only when it is 8–64 letters, digits, dot, dash or underscore", () => {
    for (const good of ["abcd1234", "req_2024.11-25", "A".repeat(64)])
      expect(requestIdFor(withHeader(good))).toBe(good);
    for (const bad of [
      "short",
      "A".repeat(65),
      "has space1",
      'inject"quote',
      "tab\tinside1",
      "<script>x</script>",
      "ünïcode123",
    ]) {
      expect(requestIdFor(withHeader(bad))).toMatch(UUID);
    }
    expect(requestIdFor(new Request("http://studio.test/"))).toMatch(UUID);
    expect(requestIdFor(new Request("http://studio.test/"))).not.toBe(requestIdFor(new Request("http://studio.test/")));
  });

  it("the wrapper echoes the id, puts it in the error body, and writes one access line", async () => {
    const route = apiRoute(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      log().info({ step: "deep" }, "inside the handler");
      return errorResponse("validation_failed", { fields: { prompt: "Too long." } });
    });
    const response = await route(
      new Request("http://studio.test/api/generations?secret=1", {
        method: "POST",
        headers: { "X-Request-Id": "client-id-0001" },
      }),
    );
    expect(response.status).toBe(400);
    expect(response.headers.get("x-request-id")).toBe("client-id-0001");
    const body = (await response.json()) as { error: { code: string; requestId: string } };
    expect(body.error).toMatchObject({ code: "validation_failed", requestId: "client-id-0001" });

    const lines = out.lines();
    expect(lines.find((line) => line.step === "deep")?.requestId).toBe("client-id-0001");
    const access = lines.filter((line) => line.msg === "request");
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      method: "POST",
      path: "/api/generations",
      status: 400,
      requestId: "client-id-0001",
      level: "info",
    });
    expect(access[0]?.durationMs).toBeGreaterThanOrEqual(4);
  });

  it("a thrown error becomes a 500 without internals, logged with its stack under the request id", async () => {
    const route = apiRoute(() => {
      throw new Error("database exploded at /secret/path");
    });
    const response = await route(new Request("http://studio.test/api/tasks"));
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("exploded");
    expect(JSON.parse(text).error).toMatchObject({ code: "internal", requestId });

    const failure = out.lines().find((line) => line.msg === "unexpected error in an API route");
    expect(failure?.requestId).toBe(requestId);
    expect((failure?.err as { stack: string }).stack).toContain("database exploded at /secret/path");
    expect(out.lines().find((line) => line.msg === "request")).toMatchObject({
      status: 500,
      level: "error",
      requestId,
    });
  });

  it("adds the header to responses whose headers are immutable", async () => {
    const route = apiRoute(() => Response.redirect("http://studio.test/", 302));
    const response = await route(
      new Request("http://studio.test/api/tasks", { headers: { "X-Request-Id": "redirect-0001" } }),
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://studio.test/");
    expect(response.headers.get("x-request-id")).toBe("redirect-0001");
  });

  it("a real route's refusal carries the id in header and body", async () => {
    // APP_PASSWORD is set here, so a request without a session is refused first.
    const response = await getTaskRoute(new Request("http://studio.test/api/tasks/nope"), {
      params: Promise.resolve({ id: "nope" }),
    });
    expect(response.status).toBe(401);
    const requestId = response.headers.get("x-request-id");
    expect(requestId).toBeTruthy();
    expect(((await response.json()) as { error: { code: string; requestId: string } }).error).toMatchObject({
      code: "sign_in_required",
      requestId,
    });
    expect(out.lines()).toContainEqual(
      expect.objectContaining({ msg: "request", path: "/api/tasks/nope", status: 401, requestId }),
    );
  });
});

describe("upstream calls", () => {
  const request = (prompt: string) => ({
    ...GENERATION_DEFAULTS,
    prompt,
    videoUrl: "https://media.example.com/ref.mp4",
    imageUrls: [],
  });

  it("are logged with method, path, status, duration, attempt and the request id; never headers or the key", async () => {
    await withLogContext({ requestId: "upstream-0001" }, () =>
      expect(createGeneration(request("<<<video_1>>> [sim:insufficient-quota]"))).rejects.toMatchObject({
        code: "insufficient_quota",
      }),
    );
    const calls = out.lines().filter((line) => line.msg === "upstream call");
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      method: "POST",
      path: "/v1/videos/generations",
      status: 402,
      attempt: 1,
      requestId: "upstream-0001",
    });
    expect(typeof calls[0]?.durationMs).toBe("number");
    expect(out.text()).not.toMatch(/Bearer|authorization|sk-log-canary/i);
  });

  it("count attempts when a poll is retried", async () => {
    const task = await createGeneration(request("<<<video_1>>> [sim:poll-server-error]"));
    out = capture();
    redirectLogs(out.stream);
    await withLogContext({ job: "poller" }, () => getTask(task.id));
    const calls = out.lines().filter((line) => line.msg === "upstream call");
    expect(calls.map((line) => [line.attempt, line.status, line.level, line.job])).toEqual([
      [1, 500, "warn", "poller"],
      [2, 500, "warn", "poller"],
      [3, 200, "info", "poller"],
    ]);
    expect(calls[0]?.path).toBe(`/v1/tasks/${task.id}`);
  });
});
