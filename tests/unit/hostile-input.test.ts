import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as createGeneration } from "@/app/api/generations/route";
import { POST as signIn } from "@/app/api/session/route";
import { DELETE as dismiss } from "@/app/api/submissions/[key]/route";
import { DELETE as deleteTask, GET as getTask } from "@/app/api/tasks/[id]/route";
import { GET as getVideo } from "@/app/api/tasks/[id]/video/route";
import { POST as upload } from "@/app/api/uploads/route";
import { POST as webhook } from "@/app/api/webhooks/evolink/[token]/route";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { generationRequestSchema } from "@/lib/generation/schema";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

// Every hostile request must get a 4xx with a JSON error, reach nothing upstream, and leave the server healthy.
let sim: RunningSimulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ apiKey: "sk-test-hostile", taskSeconds: 2, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: "sk-test-hostile",
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    RATE_LIMIT_GENERATE_PER_MIN: "100000",
    RATE_LIMIT_UPLOAD_PER_MIN: "100000",
    RATE_LIMIT_SIGN_IN_PER_MIN: "100000",
    RATE_LIMIT_WEBHOOK_PER_MIN: "100000",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const upstreamCalls = async () => {
  const log = (await (await fetch(`${sim.url}/__sim/log`)).json()) as {
    creates: unknown[];
    taskGets: Record<string, number>;
    uploads: unknown[];
  };
  return log.creates.length + log.uploads.length + Object.values(log.taskGets).reduce((a, b) => a + b, 0);
};

async function expectClientError(response: Response): Promise<void> {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const body = (await response.json()) as { error?: { code?: unknown; message?: unknown } };
  expect(typeof body.error?.code).toBe("string");
  expect(typeof body.error?.message).toBe("string");
}

const validRequest = (prompt: string) => ({
  ...GENERATION_DEFAULTS,
  prompt,
  videoUrl: "https://media.example.com/a.mp4",
});
const jsonPost = (url: string, body: string, headers: Record<string, string> = {}) =>
  new Request(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
const params = <K extends string>(key: K, value: string) => ({
  params: Promise.resolve({ [key]: value } as Record<K, string>),
});

describe("fuzzed JSON bodies", () => {
  it("POST /api/generations answers every arbitrary JSON value with a 4xx and calls nothing upstream", async () => {
    const before = await upstreamCalls();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        await expectClientError(await createGeneration(jsonPost("http://s/api/generations", JSON.stringify(value))));
      }),
      { numRuns: 300 },
    );
    expect(await upstreamCalls()).toBe(before);
  });

  it("near-valid bodies with one field replaced by anything the schema refuses get a 4xx, never a call upstream", async () => {
    const valid = validRequest("a boat");
    const before = await upstreamCalls();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(valid)),
        fc.oneof(
          fc.string(),
          fc.integer(),
          fc.double(),
          fc.boolean(),
          fc.constant(null),
          fc.array(fc.string()),
          fc.object(),
        ),
        async (field, replacement) => {
          const candidate = { ...valid, [field]: replacement };
          fc.pre(!generationRequestSchema.safeParse(JSON.parse(JSON.stringify(candidate))).success);
          const response = await createGeneration(jsonPost("http://s/api/generations", JSON.stringify(candidate)));
          await expectClientError(response);
        },
      ),
      { numRuns: 300 },
    );
    expect(await upstreamCalls()).toBe(before);
  });

  it("POST /api/session refuses arbitrary bodies when the gate is on", async () => {
    process.env.APP_PASSWORD = "correct horse battery";
    try {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
          await expectClientError(await signIn(jsonPost("http://s/api/session", JSON.stringify(value))));
        }),
        { numRuns: 150 },
      );
    } finally {
      delete process.env.APP_PASSWORD;
    }
  });
});

describe("hand-made attacks", () => {
  const attacks: Array<[string, () => Promise<Response>]> = [
    [
      "prototype pollution keys",
      () => createGeneration(jsonPost("http://s/", '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}')),
    ],
    ["deeply nested JSON", () => createGeneration(jsonPost("http://s/", `${"[".repeat(5000)}${"]".repeat(5000)}`))],
    [
      "a 10 MB string",
      () => createGeneration(jsonPost("http://s/", JSON.stringify({ prompt: "x".repeat(10 * 1024 * 1024) }))),
    ],
    [
      "text/plain body",
      () =>
        createGeneration(
          new Request("http://s/", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }),
        ),
    ],
    [
      "form body",
      () =>
        createGeneration(
          new Request("http://s/", {
            method: "POST",
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: "prompt=x",
          }),
        ),
    ],
    ["no content type", () => createGeneration(new Request("http://s/", { method: "POST", body: "{}" }))],
    ["empty JSON body", () => createGeneration(jsonPost("http://s/", ""))],
    [
      "invalid UTF-8",
      () =>
        createGeneration(
          new Request("http://s/", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
          }),
        ),
    ],
    [
      "bad idempotency key",
      () => createGeneration(jsonPost("http://s/", "{}", { "idempotency-key": "../../etc/passwd" })),
    ],
    ["cross-origin POST", () => createGeneration(jsonPost("http://s/", "{}", { "sec-fetch-site": "cross-site" }))],
    ["upload without kind", () => upload(new Request("http://s/api/uploads", { method: "POST", body: "x" }))],
    [
      "upload as JSON",
      () =>
        upload(
          new Request("http://s/api/uploads?kind=video", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: "{}",
          }),
        ),
    ],
    [
      "upload with a 2 TB Content-Length",
      () =>
        upload(
          new Request("http://s/api/uploads?kind=video", {
            method: "POST",
            headers: { "content-type": "multipart/form-data; boundary=x", "content-length": "2000000000000" },
            body: "--x--",
          }),
        ),
    ],
    ["task id path traversal", () => getTask(new Request("http://s/"), params("id", "../../v1/credits"))],
    [
      "task id with a slash",
      () => getTask(new Request("http://s/"), params("id", "task-unified-1757169743-7cvnl5zw/../../x")),
    ],
    [
      "well-formed id not created here",
      () => getTask(new Request("http://s/"), params("id", "task-unified-1757169743-7cvnl5zw")),
    ],
    [
      "video of an unknown task",
      () => getVideo(new Request("http://s/"), params("id", "task-unified-1757169743-aaaaaaaa")),
    ],
    [
      "delete an unknown task",
      () =>
        deleteTask(new Request("http://s/", { method: "DELETE" }), params("id", "task-unified-1757169743-bbbbbbbb")),
    ],
    [
      "dismiss a forged submission key",
      () => dismiss(new Request("http://s/", { method: "DELETE" }), params("key", "<script>")),
    ],
    [
      "forged webhook token",
      () =>
        webhook(
          jsonPost("http://s/", '{"id":"task-unified-1757169743-7cvnl5zw","status":"completed"}', {
            "sec-fetch-site": "cross-site",
          }),
          params("token", "A".repeat(43)),
        ),
    ],
    ["webhook token path traversal", () => webhook(jsonPost("http://s/", "{}"), params("token", "../../tasks/x"))],
  ];

  for (const [name, attack] of attacks) {
    it(`${name} → a 4xx JSON error, nothing upstream`, async () => {
      const before = await upstreamCalls();
      await expectClientError(await attack());
      expect(await upstreamCalls()).toBe(before);
    });
  }

  it("POST /api/webhooks/evolink/[token] answers arbitrary tokens and bodies with a 4xx and calls nothing upstream", async () => {
    const before = await upstreamCalls();
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 3 }), async (token, value) => {
        await expectClientError(await webhook(jsonPost("http://s/", JSON.stringify(value)), params("token", token)));
      }),
      { numRuns: 200 },
    );
    expect(await upstreamCalls()).toBe(before);
  });

  it("a forged session cookie is refused when the gate is on", async () => {
    process.env.APP_PASSWORD = "correct horse battery";
    try {
      for (const cookie of [
        "studio_session=9999999999.AAAA",
        "studio_session=",
        "studio_session=1.2.3",
        "studio_session=../../",
      ]) {
        await expectClientError(
          await getTask(
            new Request("http://s/", { headers: { cookie } }),
            params("id", "task-unified-1757169743-7cvnl5zw"),
          ),
        );
      }
    } finally {
      delete process.env.APP_PASSWORD;
    }
  });

  it("the server still works after all of it", async () => {
    const response = await createGeneration(
      jsonPost("http://s/api/generations", JSON.stringify(validRequest("still healthy"))),
    );
    expect(response.status).toBe(201);
  });
});
