import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { SAMPLE_VIDEO_URL, SHOTS_DIR, cardFor, fillValidForm, uniqueTag } from "./helpers";
import { DATA_DIRS, KEYED_URL, SIMULATOR_URL } from "./servers";
import { APP_PORTS, Stack, artifactDir, freePort, removeArtifactDirs, spawnApp } from "./stack";

// History, persistence and idempotency: what survives reloads, restarts, expired links and double clicks.
// Every test finds its own cards by a unique prompt, and stacks take their own ports, so they may run in parallel.
// These tests start and stop their own servers; on a loaded 2-core machine they need more than the default minute.
test.describe.configure({ mode: "parallel", timeout: 120_000 });

// Own stacks' data folders are kept only when a test fails, to look at afterwards.
test.afterEach(async ({}, testInfo) => {
  removeArtifactDirs({ keep: testInfo.status !== testInfo.expectedStatus });
});

interface CreateEntry {
  body: { prompt?: string } | null;
  taskId: string | null;
  status: number;
}

interface HistoryJson {
  tasks: Array<{ id: string; phase: string; prompt: string; archive: { state: string; error: string | null } }>;
  unknownSubmissions: Array<{ key: string; prompt: string }>;
}

async function progressOf(card: Locator): Promise<number> {
  return Number(await card.getByRole("progressbar").getAttribute("aria-valuenow"));
}

/** Waits until the card's bar shows a value strictly inside (0, 100). */
async function waitForMidwayProgress(card: Locator, timeout = 20_000): Promise<number> {
  let seen = 0;
  await expect
    .poll(
      async () => {
        seen = await progressOf(card);
        return seen >= 1 && seen <= 99;
      },
      { intervals: [100], timeout, message: "progress between 1 and 99" },
    )
    .toBe(true);
  return seen;
}

/** Loads metadata and plays a muted video for a moment. */
async function expectPlays(video: Locator): Promise<void> {
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);
  await video.evaluate(async (v: HTMLVideoElement) => {
    v.muted = true;
    await v.play();
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 10_000 })
    .toBeGreaterThan(0.2);
}

async function createsFor(logUrl: string, text: string): Promise<CreateEntry[]> {
  const log = (await (await fetch(logUrl)).json()) as { creates: CreateEntry[] };
  return log.creates.filter((entry) => entry.body?.prompt?.includes(text));
}

async function history(appUrl: string): Promise<HistoryJson> {
  return (await fetch(`${appUrl}/api/tasks`, { cache: "no-store" })).json() as Promise<HistoryJson>;
}

function requestBody(prompt: string, overrides: Record<string, unknown> = {}) {
  return {
    prompt,
    videoUrl: SAMPLE_VIDEO_URL,
    imageUrls: [],
    duration: 5,
    aspectRatio: "16:9",
    quality: "720p",
    keepOriginalSound: true,
    ...overrides,
  };
}

/** Starts a generation through the form and returns its card and task id. */
async function generateThroughForm(page: Page, prompt: string, tag: string): Promise<{ card: Locator; id: string }> {
  await fillValidForm(page, { prompt });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card).toHaveCount(1);
  const id = await card.getAttribute("data-task-id");
  expect(id).toMatch(/^task-unified-\d+-[a-z0-9]{8}$/);
  return { card, id: id as string };
}

test("a reload mid-way brings the same card back, it completes, and a second tab shows it too", async ({
  page,
  context,
}) => {
  await page.goto("/");
  const tag = uniqueTag("reload");
  const { card, id } = await generateThroughForm(page, `<<<video_1>>> a kite over the dunes ${tag}`, tag);
  await waitForMidwayProgress(card);
  expect(await card.getByTestId("task-status").textContent()).toMatch(/Queued|Generating/);

  await page.reload();
  const again = cardFor(page, tag);
  await expect(again).toHaveCount(1);
  await expect(again).toHaveAttribute("data-task-id", id);

  const second = await context.newPage();
  await second.goto("/");
  const elsewhere = cardFor(second, tag);
  await expect(elsewhere).toHaveCount(1);
  await expect(elsewhere).toHaveAttribute("data-task-id", id);

  await expect(again.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  expect(await progressOf(again)).toBe(100);
  await expect(elsewhere.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  await second.close();
});

test("a server restart mid-way: the background poller finishes and archives the task with no browser open", async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const stack = await Stack.start({ name: "restart", taskSeconds: 6 });
  try {
    await page.goto(`${stack.appUrl}/`);
    const tag = uniqueTag("restart");
    const { card, id } = await generateThroughForm(page, `<<<video_1>>> a train crossing a viaduct ${tag}`, tag);
    await waitForMidwayProgress(card);
    await page.close();

    await stack.stopApp();
    const getsBeforeRestart = (await stack.simLog()).taskGets[id] ?? 0;
    await stack.startApp();

    // Only the restarted server's own poller can move the task now: nobody is looking.
    await expect
      .poll(
        async () => {
          const task = (await history(stack.appUrl)).tasks.find((entry) => entry.id === id);
          return task ? `${task.phase}/${task.archive.state}` : "missing";
        },
        { intervals: [250], timeout: 30_000, message: "the restarted app completes and archives the task" },
      )
      .toBe("completed/archived");
    expect((await stack.simLog()).taskGets[id] ?? 0).toBeGreaterThan(getsBeforeRestart);
    expect(statSync(path.join(stack.dataDir, "videos", `${id}.mp4`)).size).toBeGreaterThan(100_000);

    const viewer = await context.newPage();
    await viewer.goto(`${stack.appUrl}/`);
    const restored = cardFor(viewer, tag);
    await expect(restored).toHaveAttribute("data-task-id", id);
    await expect(restored.getByTestId("task-status")).toHaveText("Completed");
    await expect(restored.getByTestId("task-archive")).toHaveText("Saved on this server");
    // A card loaded with the page shows a poster; the player comes with Play.
    await restored.getByRole("button", { name: "Play" }).click();
    await expectPlays(restored.getByTestId("task-video"));
    await viewer.close();
  } finally {
    await stack.stop();
  }
});

test("the archived copy outlives the upstream result link: preview and download still work", async ({
  page,
  browser,
}) => {
  test.setTimeout(120_000);
  const stack = await Stack.start({ name: "ttl3", taskSeconds: 3, resultTtlSeconds: 3 });
  try {
    await page.goto(`${stack.appUrl}/`);
    const tag = uniqueTag("outlive");
    const { card, id } = await generateThroughForm(page, `<<<video_1>>> a lantern floating upward ${tag}`, tag);
    await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
    await expect(card.getByTestId("task-archive")).toHaveText("Saved on this server", { timeout: 15_000 });
    const archived = await readFile(path.join(stack.dataDir, "videos", `${id}.mp4`));

    // The upstream link is dead now.
    await expect
      .poll(async () => (await fetch(`${stack.simUrl}/cdn/results/${id}.mp4`)).status, {
        intervals: [500],
        timeout: 20_000,
      })
      .toBe(403);

    // A fresh browser (no cached bytes) still gets the video, seekable, from the studio's own copy.
    const ranged = await fetch(`${stack.appUrl}/api/tasks/${id}/video`, { headers: { Range: "bytes=0-15" } });
    expect(ranged.status).toBe(206);
    expect(
      Buffer.from(await ranged.arrayBuffer())
        .subarray(4, 8)
        .toString("ascii"),
    ).toBe("ftyp");
    const fresh = await browser.newContext({ acceptDownloads: true });
    try {
      const viewer = await fresh.newPage();
      await viewer.goto(`${stack.appUrl}/`);
      const after = cardFor(viewer, tag);
      await expect(after.getByTestId("task-status")).toHaveText("Completed");
      await expect(after.getByTestId("task-archive")).toHaveText("Saved on this server");
      await after.getByRole("button", { name: "Play" }).click();
      await expectPlays(after.getByTestId("task-video"));

      const downloadPromise = viewer.waitForEvent("download");
      await after.getByRole("link", { name: "Download" }).click();
      const download = await downloadPromise;
      expect(download.suggestedFilename()).toMatch(new RegExp(`-${id}\\.mp4$`));
      const bytes = await readFile(await download.path());
      expect(bytes.subarray(4, 8).toString("ascii")).toBe("ftyp");
      expect(bytes.equals(archived)).toBe(true);
    } finally {
      await fresh.close();
    }
  } finally {
    await stack.stop();
  }
});

test("a result already expired when the archiver runs ends as Failed, with no video", async ({ page }) => {
  test.setTimeout(120_000);
  const stack = await Stack.start({ name: "ttl0", taskSeconds: 3, resultTtlSeconds: 0 });
  try {
    await page.goto(`${stack.appUrl}/`);
    const tag = uniqueTag("expired");
    const { card, id } = await generateThroughForm(page, `<<<video_1>>> a sandcastle at high tide ${tag}`, tag);
    await expect(card.getByTestId("task-status")).toHaveText("Failed", { timeout: 25_000 });
    await expect(card.getByTestId("task-error")).toContainText("expired upstream");
    await expect(card.getByTestId("task-video")).toHaveCount(0);

    // And so it stays, for anyone loading the page afterwards.
    await page.reload();
    const after = cardFor(page, tag);
    await expect(after.getByTestId("task-status")).toHaveText("Failed");
    await expect(after.getByTestId("task-error")).toContainText("expired upstream");
    await expect(after.getByTestId("task-video")).toHaveCount(0);
    const task = (await history(stack.appUrl)).tasks.find((entry) => entry.id === id);
    expect(task?.archive.state).toBe("expired");
  } finally {
    await stack.stop();
  }
});

test("an unwritable archive folder is explained, and the preview still plays from the upstream link", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // A folder under a regular file: mkdir fails with ENOTDIR even for root.
  const blockerRoot = artifactDir("blocker");
  const blocker = path.join(blockerRoot, "a-regular-file");
  writeFileSync(blocker, "not a folder\n");
  const stack = await Stack.start({ name: "noarchive", taskSeconds: 3, archiveDir: path.join(blocker, "videos") });
  try {
    await page.goto(`${stack.appUrl}/`);
    const tag = uniqueTag("unwritable");
    const { card, id } = await generateThroughForm(page, `<<<video_1>>> a heron in the reeds ${tag}`, tag);
    await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
    const archive = card.getByTestId("task-archive");
    await expect(archive).toContainText("Could not save a copy", { timeout: 15_000 });
    await expect(archive).toContainText(/not (a usable folder|writable)/);
    // With no copy anywhere, the only source it can play from is the upstream link.
    await expectPlays(card.getByTestId("task-video"));
    expect((await stack.simLog()).resultGets[id] ?? 0).toBeGreaterThan(0);
    expect(readFileSync(blocker, "utf8")).toBe("not a folder\n");
    expect(existsSync(path.join(stack.dataDir, "videos", `${id}.mp4`))).toBe(false);
  } finally {
    await stack.stop();
  }
});

test("a double click and parallel same-key requests create exactly one upstream task", async ({ page }) => {
  await page.goto(`${KEYED_URL}/`);
  const logUrl = `${SIMULATOR_URL}/__sim/log`;

  const tag = uniqueTag("dblclick");
  let clickPosts = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/generations") && request.postData()?.includes(tag))
      clickPosts += 1;
  });
  await fillValidForm(page, { prompt: `<<<video_1>>> two clicks, one task ${tag}` });
  await page.getByRole("button", { name: "Generate" }).dblclick();
  const card = cardFor(page, tag);
  await expect(card).toHaveCount(1);
  await expect(page.getByRole("button", { name: "Generate" })).toBeEnabled();
  await page.waitForTimeout(500);
  await expect(card).toHaveCount(1);
  const dblCreates = await createsFor(logUrl, tag);
  expect(dblCreates).toHaveLength(1);
  expect(dblCreates[0]?.taskId).toBe(await card.getAttribute("data-task-id"));

  const race = uniqueTag("race");
  const key = `key-${race}`;
  const body = requestBody(`<<<video_1>>> two requests racing ${race}`);
  const answers = await page.evaluate(
    async ({ body, key }) => {
      const send = () =>
        fetch("/api/generations", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": key },
          body: JSON.stringify(body),
        }).then(async (response) => ({ status: response.status, json: await response.json() }));
      return Promise.all([send(), send()]);
    },
    { body, key },
  );
  expect(answers.map((answer) => answer.status).sort()).toEqual([200, 201]);
  expect(answers[0]?.json.id).toMatch(/^task-unified-/);
  expect(answers[1]?.json.id).toBe(answers[0]?.json.id);
  const raceCreates = await createsFor(logUrl, race);
  expect(raceCreates).toHaveLength(1);
  expect(raceCreates[0]?.taskId).toBe(answers[0]?.json.id);

  // The same key for a different request is refused, and nothing is sent upstream.
  const other = uniqueTag("conflict");
  const conflict = await page.evaluate(
    async ({ body, key }) => {
      const response = await fetch("/api/generations", {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    },
    { body: requestBody(`<<<video_1>>> a different request ${other}`), key },
  );
  expect(conflict.status).toBe(409);
  expect(conflict.json.error.code).toBe("idempotency_conflict");
  expect(await createsFor(logUrl, other)).toHaveLength(0);
  expect(await createsFor(logUrl, race)).toHaveLength(1);
  // Whether the browser sent the double click once or twice, Evolink saw it once.
  expect(clickPosts).toBeGreaterThanOrEqual(1);
});

test('"Use these settings" puts an entry\'s prompt, reference video and settings back in the form', async ({
  page,
  request,
}) => {
  const tag = uniqueTag("remix");
  const source = {
    prompt: `<<<video_1>>> a glass whale over the city ${tag}`,
    videoUrl: `https://media.example.com/reference/whale-${tag}.mp4`,
    duration: 7,
    aspectRatio: "1:1",
    quality: "1080p",
  };
  const created = await request.post("/api/generations", {
    data: requestBody(source.prompt, source),
    headers: { "Idempotency-Key": `remix-${tag}` },
  });
  expect(created.status()).toBe(201);

  await page.goto("/");
  // Something else in the form first, so the values must come from the entry.
  await fillValidForm(page, {
    prompt: "<<<video_1>>> something else entirely",
    videoUrl: "https://media.example.com/other.mp4",
  });
  await page.getByLabel("Duration").fill("3");
  await page.getByLabel("Aspect ratio").selectOption("9:16");
  await page.getByLabel("Quality").selectOption("720p");

  await cardFor(page, tag).getByRole("button", { name: "Use these settings" }).click();
  await expect(page.getByLabel("Prompt", { exact: true })).toHaveValue(source.prompt);
  await expect(page.getByLabel("Reference video URL")).toHaveValue(source.videoUrl);
  await expect(page.getByLabel("Duration")).toHaveValue("7");
  await expect(page.getByLabel("Aspect ratio")).toHaveValue("1:1");
  await expect(page.getByLabel("Quality")).toHaveValue("1080p");
});

test("status filters show only matching cards; a deleted entry and its archived video are gone for good", async ({
  page,
  request,
}) => {
  const tag = uniqueTag("filters");
  const make = async (label: string, extra: string) => {
    const response = await request.post("/api/generations", {
      data: requestBody(`<<<video_1>>> ${label} ${tag}${extra}`),
      headers: { "Idempotency-Key": `${label}-${tag}` },
    });
    expect(response.status()).toBe(201);
    return ((await response.json()) as { id: string }).id;
  };
  const doneId = await make("done", "");
  await make("broken", " [sim:invalid-parameters]");
  await make("busy", " [sim:stall]");

  await page.goto("/");
  const done = cardFor(page, `done ${tag}`);
  const broken = cardFor(page, `broken ${tag}`);
  const busy = cardFor(page, `busy ${tag}`);
  await expect(done.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
  await expect(broken.getByTestId("task-status")).toHaveText("Failed", { timeout: 20_000 });
  await expect(busy.getByTestId("task-status")).toHaveText(/Queued|Generating/);
  await expect(done.getByTestId("task-archive")).toHaveText("Saved on this server", { timeout: 15_000 });
  // The history list refreshes every 10 s; reload so it knows every card's final phase.
  await page.reload();
  await expect(done.getByTestId("task-status")).toHaveText("Completed");

  const filter = (label: string) =>
    page
      .getByRole("group", { name: "Filter by status" })
      .getByRole("button", { name: new RegExp(`^${label} · \\d+$`) });
  const statuses = () => page.getByTestId("task-card").getByTestId("task-status").allTextContents();
  const expectOnly = async (label: string, visible: Locator, hidden: Locator[], allowed: RegExp) => {
    await filter(label).click();
    await expect(filter(label)).toHaveAttribute("aria-pressed", "true");
    await expect(visible).toHaveCount(1);
    for (const card of hidden) await expect(card).toHaveCount(0);
    // Other tests' cards may be finishing meanwhile; the list must settle on matching cards only.
    await expect
      .poll(async () => (await statuses()).filter((status) => !allowed.test(status)), { timeout: 15_000 })
      .toEqual([]);
  };
  await expectOnly("Running", busy, [done, broken], /^(Queued|Generating)$/);
  await expectOnly("Completed", done, [busy, broken], /^Completed$/);
  await expectOnly("Failed", broken, [busy, done], /^Failed$/);
  await filter("All").click();
  for (const card of [done, broken, busy]) await expect(card).toHaveCount(1);
  await page.screenshot({ path: `${SHOTS_DIR}/history-filters.png`, fullPage: true });

  const archived = path.join(DATA_DIRS.demo, "videos", `${doneId}.mp4`);
  expect(existsSync(archived)).toBe(true);
  await done.getByRole("button", { name: "Delete", exact: true }).click();
  await done.getByRole("button", { name: "Delete for good" }).click();
  await expect(done).toHaveCount(0);
  await page.reload();
  await expect(broken).toHaveCount(1);
  await expect(done).toHaveCount(0);
  expect(existsSync(archived)).toBe(false);
  expect((await request.get(`/api/tasks/${doneId}`)).status()).toBe(404);
});

test("a card that finishes while the Running filter is on leaves the Running list", async ({ page }) => {
  await page.goto("/");
  const tag = uniqueTag("leaving");
  const { card } = await generateThroughForm(page, `<<<video_1>>> a comet crossing the sky ${tag}`, tag);
  const group = page.getByRole("group", { name: "Filter by status" });
  await group.getByRole("button", { name: /^Running · \d+$/ }).click();
  await expect(card).toHaveCount(1);
  // The task takes ~4 s and its card polls every second. Once the card knows it has completed it must
  // leave the Running list promptly (a short grace for a refetch), not linger there marked "Completed"
  // until the history list happens to refetch (every 10 s).
  let completedSince: number | null = null;
  let longest = 0;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const status = await card
      .getByTestId("task-status")
      .textContent({ timeout: 1_000 })
      .catch(() => null);
    if (status === null && (await card.count()) === 0) break;
    if (status === "Completed") {
      completedSince ??= Date.now();
      longest = Math.max(longest, Date.now() - completedSince);
      if (longest >= 1_000) break;
    } else {
      completedSince = null;
    }
    await page.waitForTimeout(100);
  }
  expect(longest, "how long a card marked Completed stayed in the Running list (ms)").toBeLessThan(1_000);
  await expect(card).toHaveCount(0);
  await group.getByRole("button", { name: /^Completed · \d+$/ }).click();
  await expect(card.getByTestId("task-status")).toHaveText("Completed");
});

test("a corrupted database stops the studio at start with a clear message and is left untouched", async () => {
  const root = artifactDir("corrupt");
  const dataDir = path.join(root, "data");
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "studio.sqlite");
  const garbage = Buffer.concat([
    Buffer.from("this is not a database, it is a shopping list\n".repeat(100)),
    Buffer.alloc(4096, 0xa5),
  ]);
  writeFileSync(file, garbage);

  const port = await freePort(APP_PORTS);
  const app = spawnApp(
    "corrupt-db app",
    port,
    {
      EVOLINK_API_KEY: "",
      DATA_DIR: dataDir,
      UPLOAD_TMP_DIR: path.join(root, "uploads"),
    },
    { viaNpx: true },
  );
  try {
    const outcome = await Promise.race([
      app.exited,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000)),
    ]);
    expect(outcome, `the studio should have exited; output so far:\n${app.log}`).not.toBeNull();
    expect(outcome?.code, app.log).not.toBe(0);
    expect(outcome?.code, app.log).not.toBeNull();
    expect(app.log).toContain("is not a valid SQLite database");
    expect(readFileSync(file).equals(garbage)).toBe(true);
  } finally {
    await app.kill();
  }
});

test("a submission cut off by a restart shows as unknown, is never resent, and can be dismissed", async ({ page }) => {
  test.setTimeout(120_000);
  const stack = await Stack.start({ name: "unknown", taskSeconds: 3, slowMs: 8_000 });
  try {
    const tag = uniqueTag("inflight");
    const key = `inflight-${tag}`;
    const body = JSON.stringify(requestBody(`<<<video_1>>> [sim:slow] a letter lost in the post ${tag}`));
    const send = () =>
      fetch(`${stack.appUrl}/api/generations`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "Idempotency-Key": key },
        body,
      });
    const inFlight = send().then(
      (response) => ({ status: response.status }),
      (error: unknown) => ({ error: String(error) }),
    );
    // The simulator records the create before its slow answer: the studio is now waiting on it.
    await expect
      .poll(async () => (await stack.simLog()).creates.filter((c) => c.body?.prompt?.includes(tag)).length, {
        timeout: 10_000,
      })
      .toBe(1);
    await stack.stopApp();
    expect(await inFlight).toHaveProperty("error");
    await stack.startApp();

    await page.goto(`${stack.appUrl}/`);
    const entry = page.getByTestId("unknown-submission").filter({ hasText: tag });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText("the studio stopped while sending this to Evolink");
    await expect(cardFor(page, tag)).toHaveCount(0);

    // The same key again must not reach Evolink a second time.
    const again = await send();
    expect(again.ok).toBe(false);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("create_outcome_unknown");
    expect((await stack.simLog()).creates.filter((c) => c.body?.prompt?.includes(tag))).toHaveLength(1);

    await entry.getByRole("button", { name: "Dismiss" }).click();
    await expect(entry).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole("heading", { name: "Generations" })).toBeVisible();
    await expect(entry).toHaveCount(0);
    expect((await history(stack.appUrl)).unknownSubmissions.filter((s) => s.prompt.includes(tag))).toHaveLength(0);
  } finally {
    await stack.stop();
  }
});
