import { request as httpRequest } from "node:http";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { APP_PORTS, Spawned, artifactDir, freePort, removeArtifactDirs, spawnApp, waitUntilAnswers } from "./stack";

// The studio's HTTP edge against a real `next start` in demo mode: the Host allow-list (DNS rebinding),
// budgets that no client header can reset, and the check of the address the server really listens on.

const started: Spawned[] = [];
let passed = true;

test.afterEach(({}, info) => {
  if (info.status !== info.expectedStatus) passed = false;
});

test.afterAll(async () => {
  await Promise.all(started.map((app) => app.kill()));
  removeArtifactDirs({ keep: !passed });
});

async function startDemo(
  name: string,
  env: Record<string, string>,
  host: string | null = "127.0.0.1",
): Promise<number> {
  const port = await freePort(APP_PORTS);
  const dir = artifactDir(name);
  const app = spawnApp(
    `app ${name}`,
    port,
    { EVOLINK_API_KEY: "", DATA_DIR: path.join(dir, "data"), UPLOAD_TMP_DIR: path.join(dir, "uploads"), ...env },
    { host },
  );
  started.push(app);
  await waitUntilAnswers(`http://127.0.0.1:${port}/`, app, 60_000);
  return port;
}

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** One request over node:http, which (unlike fetch) sends the Host header it is given. */
function send(
  port: number,
  {
    method = "GET",
    path: target = "/",
    headers = {},
    body,
  }: { method?: string; path?: string; headers?: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: "127.0.0.1", port, method, path: target, headers, agent: false },
      (response) => {
        let text = "";
        response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]), body: text }),
        );
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}

const generation = (prompt: string): string =>
  JSON.stringify({
    prompt,
    videoUrl: "https://media.example.com/edge/reference.mp4",
    imageUrls: [],
    duration: 3,
    aspectRatio: "16:9",
    quality: "720p",
    keepOriginalSound: true,
  });

function create(port: number, prompt: string, headers: Record<string, string>): Promise<Answer> {
  return send(port, {
    method: "POST",
    path: "/api/generations",
    headers: {
      host: `127.0.0.1:${port}`,
      "content-type": "application/json",
      "sec-fetch-site": "same-origin",
      ...headers,
    },
    body: generation(prompt),
  });
}

async function historyPrompts(port: number): Promise<string[]> {
  const answer = await send(port, { path: "/api/tasks", headers: { host: `localhost:${port}` } });
  expect(answer.status).toBe(200);
  return (JSON.parse(answer.body) as { tasks: Array<{ prompt: string }> }).tasks.map((task) => task.prompt);
}

const codeOf = (answer: Answer): string => (JSON.parse(answer.body) as { error: { code: string } }).error.code;

test.describe("a studio without a password", () => {
  let port = 0;
  test.beforeAll(async () => {
    test.setTimeout(90_000);
    port = await startDemo("edge-open", { RATE_LIMIT_GENERATE_PER_MIN: "10" });
  });

  test("refuses a rebound Host name on API routes and pages with the catalog's 421, and creates nothing", async () => {
    const rebound = {
      host: "rebind.attacker.example",
      origin: "http://rebind.attacker.example",
      "sec-fetch-site": "same-origin",
    };
    const created = await create(port, "<<<video_1>>> rebound create", rebound);
    expect(created.status).toBe(421);
    expect(created.type).toBe("application/json");
    expect(JSON.parse(created.body).error).toMatchObject({
      code: "host_not_allowed",
      message: "This studio does not answer to this host name.",
      action: expect.stringContaining("ALLOWED_HOSTS"),
      detail: expect.stringContaining('"rebind.attacker.example"'),
    });
    const listed = await send(port, { path: "/api/tasks", headers: rebound });
    expect(listed.status).toBe(421);
    expect(codeOf(listed)).toBe("host_not_allowed");
    expect(listed.body).not.toContain('"tasks"');
    const page = await send(port, { path: "/", headers: { host: `rebind.attacker.example:${port}` } });
    expect(page.status).toBe(421);
    expect(page.body).toContain("This studio does not answer to this host name.");
    // A forged X-Forwarded-Host does not help: without a trusted proxy only Host counts.
    const forwarded = await send(port, {
      path: "/api/tasks",
      headers: { ...rebound, "x-forwarded-host": `127.0.0.1:${port}` },
    });
    expect(forwarded.status).toBe(421);

    expect(await historyPrompts(port)).not.toContain("<<<video_1>>> rebound create");
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`]) {
      expect((await send(port, { path: "/", headers: { host } })).status).toBe(200);
    }
  });

  test("keys the Generate budget on the socket: fresh X-Forwarded-For (or a forged stamp) per request still hits 429 after 10", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 15; i += 1) {
      const answer = await create(port, `<<<video_1>>> forged hop ${i}`, {
        "x-forwarded-for": `203.0.113.${i + 1}`,
        "x-studio-client-address": `198.51.100.${i + 1}`,
      });
      statuses.push(answer.status);
      if (answer.status === 429) expect(codeOf(answer)).toBe("too_many_requests");
    }
    expect(statuses).toEqual([...Array(10).fill(201), ...Array(5).fill(429)]);
    const prompts = await historyPrompts(port);
    expect(prompts.filter((prompt) => prompt.includes("forged hop"))).toHaveLength(10);
  });
});

test("behind one trusted proxy (TRUST_PROXY_HOPS=1) the budget keys on the last X-Forwarded-For hop", async () => {
  test.setTimeout(90_000);
  const port = await startDemo("edge-proxy", { RATE_LIMIT_GENERATE_PER_MIN: "10", TRUST_PROXY_HOPS: "1" });
  const distinct: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    distinct.push(
      (await create(port, `<<<video_1>>> proxied client ${i}`, { "x-forwarded-for": `198.51.100.1, 10.60.0.${i + 1}` }))
        .status,
    );
  }
  expect(distinct).toEqual(Array(12).fill(201));
  const sameClient: number[] = [];
  for (let i = 0; i < 12; i += 1) {
    // The client forges the hops on the left; the proxy appended its real address last.
    sameClient.push(
      (await create(port, `<<<video_1>>> one client ${i}`, { "x-forwarded-for": `10.70.0.${i + 1}, 10.61.0.1` }))
        .status,
    );
  }
  expect(sameClient).toEqual([...Array(10).fill(201), 429, 429]);
});

test("sign-in attempts with a fresh X-Forwarded-For each still hit 429", async () => {
  test.setTimeout(90_000);
  const port = await startDemo("edge-password", { APP_PASSWORD: "correct horse battery" });
  const statuses: number[] = [];
  for (let i = 0; i < 40; i += 1) {
    const answer = await send(port, {
      method: "POST",
      path: "/api/session",
      headers: {
        host: `127.0.0.1:${port}`,
        "content-type": "application/json",
        "sec-fetch-site": "same-origin",
        "x-forwarded-for": `203.0.113.${i + 1}`,
      },
      body: JSON.stringify({ password: `guess ${i}` }),
    });
    statuses.push(answer.status);
  }
  expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
  expect(statuses.slice(10)).toEqual(Array(30).fill(429));
});

test.describe("the address the server really listens on", () => {
  async function refusal(name: string, host: string | null): Promise<void> {
    const port = await freePort(APP_PORTS);
    const app = spawnApp(
      `app ${name}`,
      port,
      { EVOLINK_API_KEY: "", DATA_DIR: path.join(artifactDir(name), "data") },
      { host },
    );
    started.push(app);
    const exit = await Promise.race([
      app.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 45_000)),
    ]);
    expect(exit, `still running:\n${app.log.slice(-2000)}`).not.toBeNull();
    expect(exit?.code).toBe(1);
    expect(app.log).toMatch(
      /The studio cannot start: Refusing to listen on (::|0\.0\.0\.0) \(every interface\) without APP_PASSWORD/,
    );
  }

  test("next start -H 0.0.0.0 without APP_PASSWORD stops with the message", async () => {
    test.setTimeout(60_000);
    await refusal("edge-bind-all", "0.0.0.0");
  });

  test("a bare next start (Next's default: every interface) stops with the message", async () => {
    test.setTimeout(60_000);
    await refusal("edge-bind-default", null);
  });

  for (const [label, env] of [
    ["APP_PASSWORD", { APP_PASSWORD: "correct horse battery" }],
    ["the explicit opt-out", { ALLOW_PUBLIC_WITHOUT_PASSWORD: "i-understand-anyone-can-spend-my-credits" }],
  ] as const) {
    test(`next start -H 0.0.0.0 starts with ${label}`, async () => {
      test.setTimeout(90_000);
      const port = await freePort(APP_PORTS);
      const app = spawnApp(
        `app 0.0.0.0 ${label}`,
        port,
        { EVOLINK_API_KEY: "", DATA_DIR: path.join(artifactDir("edge-bind-ok"), "data"), ...env },
        { host: "0.0.0.0" },
      );
      started.push(app);
      try {
        await waitUntilAnswers(`http://127.0.0.1:${port}/api/tasks`, app, 60_000);
        expect(app.hasExited).toBe(false);
      } finally {
        // Every interface only as long as the check takes.
        await app.kill();
      }
    });
  }
});
