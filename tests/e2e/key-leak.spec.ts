import { readFileSync } from "node:fs";
import { expect, test, type APIResponse, type Page, type Response } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";
import { SIMULATOR_SCENARIOS } from "../../lib/simulator/scenarios";
import { SAMPLE_VIDEO_URL, SHOTS_DIR, cardFor, fillValidForm, uniqueTag, fileInput } from "./helpers";
import { CANARY_KEY, KEYED_LOG_FILE, KEYED_URL, SIMULATOR_URL } from "./servers";

// Every flow a person can take against the keyed studio, then a search of every byte the browser got
// and every line the server logged for the key in any form.
const KEY_FORMS = [
  CANARY_KEY,
  `Bearer ${CANARY_KEY}`,
  Buffer.from(CANARY_KEY).toString("base64"),
  Buffer.from(CANARY_KEY).toString("base64url"),
];

// What `next start` (and npx) print around our JSON lines, colours removed; anything else that is not JSON fails the test.
const ANSI_COLOURS = /\x1b\[[0-9;]*m/g;
const STARTUP_BANNER = [/^npm warn /, /^▲ Next\.js /, /^- (Local|Network): /, /^✓ (Starting|Ready|Running)/];

interface Seen {
  url: string;
  status: number;
  headers: Record<string, string>;
  text: string;
}

interface LogLine {
  msg?: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
}

const requestBody = (prompt: string) => ({
  prompt,
  videoUrl: SAMPLE_VIDEO_URL,
  imageUrls: [],
  duration: 5,
  aspectRatio: "16:9",
  quality: "720p",
  keepOriginalSound: true,
});

/** Records every response the page and the test's own API calls get: status, headers and body. */
function recorder(page: Page) {
  const seen: Seen[] = [];
  const pending: Promise<void>[] = [];
  const keep = (url: string, status: number, headers: Record<string, string>, body: Buffer) =>
    seen.push({ url, status, headers, text: `${JSON.stringify(headers)}\n${body.toString("latin1")}` });
  page.on("response", (response: Response) => {
    pending.push(
      (async () => {
        const headers = await response.allHeaders();
        keep(response.url(), response.status(), headers, await response.body().catch(() => Buffer.alloc(0)));
      })(),
    );
  });
  /** A call as the studio's page makes it, recorded like the page's own traffic. */
  const api = async (path: string, options: Parameters<Page["request"]["fetch"]>[1] = {}): Promise<APIResponse> => {
    const response = await page.request.fetch(`${KEYED_URL}${path}`, options);
    keep(response.url(), response.status(), response.headers(), await response.body());
    return response;
  };
  return { seen, api, settled: () => Promise.all(pending), keep };
}

test("the API key is in no response body, header, page, script or server log line, whatever the flow", async ({
  page,
}) => {
  // About 70 s on an idle 2-core machine (the poll-timeout task alone needs ~25 s); the margin is for a loaded one.
  test.setTimeout(180_000);
  const { seen, api, settled, keep } = recorder(page);
  const tag = uniqueTag("leak");

  // Generate through the UI with an uploaded reference video and images.
  await page.goto(`${KEYED_URL}/`);
  await expect(page.getByTestId("demo-banner")).toHaveCount(0);
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("goodMp4"));
  await fileInput(page, "referenceImages").setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg")]);
  await expect(page.getByTestId("upload-done")).toHaveCount(3, { timeout: 20_000 });
  await page
    .getByLabel("Prompt", { exact: true })
    .fill(`<<<video_1>>> with <<<image_1>>> a canary in a coal mine ${tag}`);
  await page.getByRole("button", { name: "Generate" }).click();
  // Scenario prompts below carry the tag too; only this card has the canary.
  const card = cardFor(page, `a canary in a coal mine ${tag}`);
  await expect(card).toHaveCount(1);

  // Meanwhile every simulator scenario but the 40-second stall: create refusals, poll faults, failed and odd tasks.
  const scenarios = SIMULATOR_SCENARIOS.map((scenario) => scenario.name).filter((name) => name !== "stall");
  const created = await Promise.all(
    scenarios.map(async (name) => {
      const response = await api("/api/generations", {
        method: "POST",
        data: requestBody(`<<<video_1>>> ${name} ${tag} [sim:${name}]`),
        headers: { "Idempotency-Key": `${name}-${tag}` },
      });
      return {
        name,
        status: response.status(),
        id: response.ok() ? ((await response.json()) as { id: string }).id : null,
      };
    }),
  );
  const refused = created.filter((entry) => entry.status >= 400).map((entry) => entry.name);
  expect(refused.sort()).toEqual([
    "bad-gateway",
    "create-reset",
    "create-timeout",
    "echo-key",
    "insufficient-quota",
    "legacy-error",
    "model-denied",
    "no-channel",
    "rate-limit",
    "server-error",
  ]);
  const tasks = created.filter((entry) => entry.id !== null) as Array<{ name: string; id: string }>;
  const phases = new Map<string, string>();
  await expect
    .poll(
      async () => {
        for (const task of tasks.filter((entry) => !["completed", "failed"].includes(phases.get(entry.name) ?? ""))) {
          const response = await api(`/api/tasks/${task.id}`);
          if (response.ok()) phases.set(task.name, ((await response.json()) as { phase: string }).phase);
        }
        return tasks.filter((task) => ["completed", "failed"].includes(phases.get(task.name) ?? "")).length;
      },
      { intervals: [500], timeout: 75_000, message: "every scenario task finishes" },
    )
    .toBe(tasks.length);
  expect(phases.get("content-policy")).toBe("failed");
  expect(phases.get("poll-server-error")).toBe("completed");
  expect(phases.get("echo-key-task")).toBe("failed");

  // The upstream repeats the key in a create refusal, a task failure and a file-service refusal: each
  // reaches the browser with the key replaced (the search of every byte below proves none got through).
  const echoedCreate = await api("/api/generations", {
    method: "POST",
    data: requestBody(`<<<video_1>>> echo ${tag} [sim:echo-key]`),
  });
  expect(echoedCreate.status()).toBe(400);
  expect(((await echoedCreate.json()) as { error: { upstreamMessage: string } }).error.upstreamMessage).toContain(
    "[Redacted]",
  );
  const echoTask = tasks.find((task) => task.name === "echo-key-task")?.id ?? "";
  const echoedTask = (await (await api(`/api/tasks/${echoTask}`)).json()) as { error: { upstreamMessage: string } };
  expect(echoedTask.error.upstreamMessage).toContain("[Redacted]");
  const echoedUpload = await api("/api/uploads?kind=image", {
    method: "POST",
    multipart: {
      file: { name: "sim-echo-key.png", mimeType: "image/png", buffer: readFileSync(fixturePath("imagePng")) },
    },
  });
  expect(echoedUpload.status()).toBe(415);
  expect(((await echoedUpload.json()) as { error: { upstreamMessage: string } }).error.upstreamMessage).toContain(
    "[Redacted]",
  );

  // Twenty newer cards now stand above it; the list mounts only the cards on screen, so find it as a person would.
  await page.getByLabel("Search prompts").fill("canary");
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  // Listed while running it opens large when done; listed finished it shows a poster, and the player comes with Play.
  const play = card.getByRole("button", { name: "Play" });
  if (await play.isVisible()) await play.click();
  await expect
    .poll(() => card.getByTestId("task-video").evaluate((v: HTMLVideoElement) => v.readyState))
    .toBeGreaterThanOrEqual(1);
  const taskId = (await card.getAttribute("data-task-id")) as string;

  // An upstream refusal through the form: its message (and request id) shown, no key echoed.
  // The reload brings the form back as the draft kept it (the canary's files attached): start a new one.
  await page.reload();
  await expect(page.getByTestId("upload-done")).toHaveCount(3, { timeout: 20_000 });
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByRole("button", { name: "or paste a video link" })).toBeVisible();
  await fillValidForm(page, { prompt: `<<<video_1>>> refused ${tag} [sim:insufficient-quota]` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(page.getByTestId("form-error")).toContainText("run out of credits");
  await expect(page.getByTestId("form-error").getByTestId("request-id")).toContainText(/Request id: [0-9a-f-]{36}/);
  await page.getByTestId("form-error").screenshot({ path: `${SHOTS_DIR}/form-error-request-id.png` });

  // Bad input of every kind, each a 4xx with the request id in body and header.
  const badInputs = [
    api("/api/generations", { method: "POST", data: { ...requestBody(""), duration: 99 } }),
    api("/api/generations", {
      method: "POST",
      data: requestBody("<<<video_1>>> ok"),
      headers: { "Idempotency-Key": "bad key!" },
    }),
    api("/api/generations", { method: "POST", data: "{not json", headers: { "Content-Type": "application/json" } }),
    api("/api/generations", { method: "POST", data: "prompt=x", headers: { "Content-Type": "text/plain" } }),
    api("/api/tasks/task-unified-1700000000-zzzzzzzz"),
    api("/api/tasks/not-a-task"),
    api("/api/tasks/task-unified-1700000000-zzzzzzzz/video"),
    api("/api/uploads", {
      method: "POST",
      multipart: { file: { name: "a.mp4", mimeType: "video/mp4", buffer: Buffer.from("x") } },
    }),
    api("/api/uploads?kind=video", {
      method: "POST",
      multipart: {
        file: { name: "really-a-png.mp4", mimeType: "video/mp4", buffer: readFileSync(fixturePath("pngNamedMp4")) },
      },
    }),
    api("/api/tasks", { headers: { "X-Request-Id": `quoted-${tag}` } }),
  ];
  const answers = await Promise.all(badInputs);
  expect(answers.map((response) => response.status())).toEqual([400, 400, 400, 415, 404, 400, 404, 400, 415, 200]);
  for (const response of answers.slice(0, -1)) {
    const body = (await response.json()) as { error: { requestId?: string } };
    expect(body.error.requestId).toBe(response.headers()["x-request-id"]);
  }
  expect(answers.at(-1)?.headers()["x-request-id"]).toBe(`quoted-${tag}`);

  // History: filters, "Use these settings", delete a failed entry; this run's entries, oldest (the canary) first.
  await page.goto(`${KEYED_URL}/?q=${encodeURIComponent(tag)}&sort=oldest`);
  const filter = (label: string) =>
    page
      .getByRole("group", { name: "Filter by status" })
      .getByRole("button", { name: new RegExp(`^${label} · \\d+$`) });
  const failedCard = cardFor(page, `content-policy ${tag}`);
  // Deleted from the Failed list, where it is on screen (the list mounts only the cards in view).
  await filter("Failed").click();
  await expect(failedCard).toHaveCount(1);
  await expect(card).toHaveCount(0);
  await failedCard.getByRole("button", { name: "Delete", exact: true }).click();
  await failedCard.getByRole("button", { name: "Delete for good" }).click();
  await expect(failedCard).toHaveCount(0);
  await filter("Completed").click();
  await expect(card).toHaveCount(1);
  await filter("All").click();
  await card.getByRole("button", { name: "Use these settings" }).click();
  await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue(new RegExp(`a canary in a coal mine ${tag}`));

  // Preview and download, through the page and directly, with a Range request.
  const downloading = page.waitForEvent("download");
  await card.getByRole("link", { name: "Download" }).click();
  const download = await downloading;
  const saved = readFileSync(await download.path());
  keep(download.url(), 200, {}, saved);
  expect(saved.subarray(4, 8).toString("latin1")).toBe("ftyp");
  const ranged = await api(`/api/tasks/${taskId}/video`, { headers: { Range: "bytes=0-1023" } });
  expect(ranged.status()).toBe(206);
  expect((await api(`/api/tasks/${taskId}/video?download=1`)).status()).toBe(200);

  // Every script the pages reference or loaded, fetched whole (the browser may have had some cached), and the sign-in page.
  const scripts = await page.evaluate(() => [...document.scripts].map((script) => script.src).filter(Boolean));
  await settled();
  const chunks = new Set([
    ...scripts,
    ...seen.map((entry) => entry.url).filter((url) => /\/_next\/static\/.+\.js$/.test(url)),
  ]);
  for (const src of chunks) await api(new URL(src).pathname);
  await api("/signin");
  await settled();

  // The flow really went through the keyed simulator, so the key was in use.
  const simLog = await (await page.request.get(`${SIMULATOR_URL}/__sim/log`)).json();
  expect(simLog.creates.some((c: { body: { prompt?: string } }) => c.body?.prompt?.includes(tag))).toBe(true);

  // Nothing vacuous: pages, scripts, the video route and uploads were all captured.
  const urls = seen.map((entry) => entry.url);
  expect(urls.filter((url) => /\/_next\/static\/chunks\/.+\.js$/.test(url)).length).toBeGreaterThan(3);
  expect(urls.some((url) => url.includes(`/api/tasks/${taskId}/video`))).toBe(true);
  expect(urls.filter((url) => url.includes("/api/uploads?kind=")).length).toBeGreaterThanOrEqual(3);
  expect(seen.some((entry) => entry.headers["content-type"]?.startsWith("text/html"))).toBe(true);

  const leaks = seen.filter((entry) => KEY_FORMS.some((form) => entry.text.includes(form))).map((entry) => entry.url);
  expect(leaks).toEqual([]);

  // The server's log: JSON lines only (besides Next's banner), access lines with request ids for the flows above, no key.
  const logText = readFileSync(KEYED_LOG_FILE, "utf8");
  expect(KEY_FORMS.filter((form) => logText.includes(form))).toEqual([]);
  const rawLines = logText.split("\n").filter((line) => line.trim() !== "");
  const stray = rawLines.filter(
    (line) => !line.startsWith("{") && !STARTUP_BANNER.some((pattern) => pattern.test(line.replace(ANSI_COLOURS, ""))),
  );
  expect(stray).toEqual([]);
  const lines = rawLines.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as LogLine);
  expect(lines.length).toBeGreaterThan(50);
  const access = lines.filter(
    (line) => line.msg === "request" && typeof line.requestId === "string" && line.requestId.length >= 8,
  );
  const accessed = (method: string, path: string | RegExp) =>
    access.some(
      (line) => line.method === method && (typeof path === "string" ? line.path === path : path.test(line.path ?? "")),
    );
  expect(accessed("POST", "/api/generations")).toBe(true);
  expect(accessed("POST", "/api/uploads")).toBe(true);
  expect(accessed("GET", `/api/tasks/${taskId}/video`)).toBe(true);
  expect(accessed("DELETE", /^\/api\/tasks\/task-unified-/)).toBe(true);
  expect(access.some((line) => line.requestId === `quoted-${tag}` && line.path === "/api/tasks")).toBe(true);
  const upstream = lines.filter((line) => line.msg === "upstream call").map((line) => `${line.method} ${line.path}`);
  expect(upstream).toContain("POST /v1/videos/generations");
  expect(upstream).toContain("POST /api/v1/files/upload/stream");
});
