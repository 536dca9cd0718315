import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createRoute } from "@/app/api/generations/route";
import { GET as historyRoute } from "@/app/api/tasks/route";
import { GET as taskRoute } from "@/app/api/tasks/[id]/route";
import { POST as uploadRoute } from "@/app/api/uploads/route";
import { newSessionToken } from "@/lib/server/auth/session";
import { upstreamFailure } from "@/lib/server/upstream-failure";
import { createGeneration, getTask } from "@/lib/server/evolink/client";
import { startUpload } from "@/lib/server/evolink/file-upload";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { scrubSecrets, scrubSecretsDeep } from "@/lib/server/scrub-secrets";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { rawSqlite } from "./store-engines";
import { beginSubmission, settleSubmission } from "@/lib/server/store/submissions";
import { insertTask } from "@/lib/server/store/tasks";
import { submitGeneration } from "@/lib/server/tasks/submit";
import { ensureFixtures, fixturePath } from "@/tests/fixtures/media-fixtures";
import { readFileSync } from "node:fs";

const KEY = "sk-scrub-canary-5e1f9a0b7c";
const PASSWORD = "scrub test password";
const SESSION_SECRET = "scrub-test-session-secret-0123456789";
const ENV = {
  EVOLINK_API_KEY: KEY,
  APP_PASSWORD: PASSWORD,
  SESSION_SECRET,
  POLL_INTERVAL_MS: "250",
} as const;
const saved = { ...process.env };
let sim: RunningSimulator;
let cookie: string;

/** Every form a secret may take in a text: plain, after "Bearer ", base64 and base64url. */
const formsOf = (secret: string) => [
  secret,
  Buffer.from(secret).toString("base64"),
  Buffer.from(secret).toString("base64url"),
];
const ALL_FORMS = [KEY, PASSWORD, SESSION_SECRET].flatMap(formsOf);
const leaks = (text: string) => ALL_FORMS.filter((form) => text.includes(form));

beforeAll(async () => {
  ensureFixtures();
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 0.5, publicFilesBase: "" });
  Object.assign(process.env, ENV, { EVOLINK_API_BASE: sim.url, EVOLINK_FILES_BASE: sim.url });
  cookie = `studio_session=${(await newSessionToken()).token}`;
}, 60_000);

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const request = (prompt: string) => ({ ...GENERATION_DEFAULTS, prompt, videoUrl: "https://media.example.com/a.mp4" });
const createRequest = (prompt: string, key: string) =>
  new Request("http://studio/api/generations", {
    method: "POST",
    headers: { "content-type": "application/json", cookie, "idempotency-key": key },
    body: JSON.stringify(request(prompt)),
  });
const get = (path: string) => new Request(`http://studio${path}`, { headers: { cookie } });
const everythingStored = async () =>
  JSON.stringify([
    (await rawSqlite()).prepare("SELECT * FROM submissions").all(),
    (await rawSqlite()).prepare("SELECT * FROM tasks").all(),
  ]);

describe("the scrubber", () => {
  it("replaces the key, the password and the session secret in every form, and leaves other text alone", async () => {
    for (const form of ALL_FORMS) {
      expect(scrubSecrets(`before ${form} after`)).toBe("before [Redacted] after");
    }
    expect(scrubSecrets(`Authorization: Bearer ${KEY}`)).toBe("Authorization: Bearer [Redacted]");
    expect(scrubSecrets("nothing secret here")).toBe("nothing secret here");
    expect(scrubSecrets(undefined)).toBeUndefined();
    expect(scrubSecretsDeep({ a: [KEY, { [KEY]: PASSWORD }], n: 1 })).toEqual({
      a: ["[Redacted]", { "[Redacted]": "[Redacted]" }],
      n: 1,
    });
  });

  it("follows the configuration: a secret no longer configured is no longer scrubbed", async () => {
    const other = "sk-another-key-not-configured";
    expect(scrubSecrets(other)).toBe(other);
  });
});

describe("every way upstream text comes in", () => {
  it("an UpstreamError built from any text, and an error body built from one", async () => {
    const error = new UpstreamError(
      "invalid_request",
      `bad key ${KEY} / ${Buffer.from(PASSWORD).toString("base64")}`,
      400,
    );
    expect(leaks(`${error.upstreamMessage} ${error.message}`)).toEqual([]);
    expect(error.upstreamMessage).toBe("bad key [Redacted] / [Redacted]");
    expect(leaks(JSON.stringify(upstreamFailure("invalid_request", `echo ${SESSION_SECRET}`)))).toEqual([]);
  });

  it("a create refusal that repeats the key (the API envelope)", async () => {
    const refused = await createGeneration(request("<<<video_1>>> echo [sim:echo-key]")).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).code).toBe("invalid_request");
    expect((refused as UpstreamError).upstreamMessage).toContain("[Redacted]");
    expect(leaks(`${(refused as UpstreamError).upstreamMessage} ${(refused as Error).message}`)).toEqual([]);
  });

  it("a task failure that repeats the key (the task body)", async () => {
    const { task } = await submitGeneration(request("<<<video_1>>> echo [sim:echo-key-task]"));
    await sleep(300);
    const upstream = await getTask(task.id);
    expect(upstream.status).toBe("failed");
    expect(upstream.error?.message).toBe("Parameters rejected for API key [Redacted]");
  });

  it("a file-service refusal that repeats the key", async () => {
    const upload = await startUpload("sim-echo-key.png", "image/png");
    await upload.write(readFileSync(fixturePath("imagePng")));
    const refused = await upload.finish().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamError);
    expect((refused as UpstreamError).code).toBe("file_type_not_allowed");
    expect(leaks(`${(refused as UpstreamError).upstreamMessage} ${(refused as Error).message}`)).toEqual([]);
  });
});

describe("what a browser receives and the store keeps", () => {
  it("the create answer, its stored refusal and its replay", async () => {
    const first = await createRoute(createRequest("<<<video_1>>> refused [sim:echo-key]", "echo-key-route-1"));
    expect(first.status).toBe(400);
    const text = await first.text();
    expect(text).toContain("[Redacted]");
    expect(leaks(text)).toEqual([]);
    const replay = await createRoute(createRequest("<<<video_1>>> refused [sim:echo-key]", "echo-key-route-1"));
    expect(replay.status).toBe(400);
    expect(leaks(await replay.text())).toEqual([]);
    expect(leaks(await everythingStored())).toEqual([]);
  });

  it("a failed task, read alone and in the history", async () => {
    const created = await createRoute(createRequest("<<<video_1>>> fails [sim:echo-key-task]", "echo-key-route-2"));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    await sleep(400);
    const read = await taskRoute(get(`/api/tasks/${id}`), { params: Promise.resolve({ id }) });
    const body = (await read.json()) as { phase: string; error: { upstreamMessage?: string } };
    expect(body.phase).toBe("failed");
    expect(body.error.upstreamMessage).toBe("Parameters rejected for API key [Redacted]");
    expect(leaks(await (await historyRoute(get("/api/tasks"))).text())).toEqual([]);
    expect(leaks(await everythingStored())).toEqual([]);
  });

  it("a refused upload", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(readFileSync(fixturePath("imagePng")))]), "sim-echo-key.png");
    const response = await uploadRoute(
      new Request("http://studio/api/uploads?kind=image", { method: "POST", body: form, headers: { cookie } }),
    );
    expect(response.status).toBe(415);
    const text = await response.text();
    expect(text).toContain("[Redacted]");
    expect(leaks(text)).toEqual([]);
  });

  it("rows stored before scrubbing existed are scrubbed as they are read", async () => {
    const id = "task-unified-1700000000-oldrow01";
    await insertTask(
      {
        id,
        request: request("old row"),
        createdAt: Date.now(),
        upstreamStatus: "failed",
        progress: 10,
        estimatedSeconds: null,
        creditsReserved: null,
        resultUrl: null,
        error: { ...upstreamFailure("invalid_parameters", undefined), upstreamMessage: `stored raw ${KEY}` },
      },
      null,
    );
    const read = await taskRoute(get(`/api/tasks/${id}`), { params: Promise.resolve({ id }) });
    expect(leaks(await read.text())).toEqual([]);
    expect(leaks(await (await historyRoute(get("/api/tasks"))).text())).toEqual([]);

    const key = "old-submission-row-1";
    await beginSubmission(key, "hash", JSON.stringify(request("old submission")));
    await settleSubmission(key, "rejected", {
      error: { ...upstreamFailure("invalid_request", undefined), upstreamMessage: `stored raw ${KEY}` },
    });
    const replay = await submitGeneration(request("old submission"), key).catch((error: unknown) => error);
    expect(replay).toBeInstanceOf(Error);
    expect(leaks(String((replay as Error).message))).toEqual([]);
  });
});
