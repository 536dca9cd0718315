import net from "node:net";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { SHOTS_DIR, cardFor, fillValidForm, uniqueTag } from "./helpers";
import { Stack, removeArtifactDirs } from "./stack";

// Evolink's task callback end to end: the simulator delivers it through a tunnel-like option to the
// studio's own port, as a TLS-terminating tunnel in front of a public https address would.
test.describe.configure({ mode: "parallel", timeout: 120_000 });

const PUBLIC_BASE_URL = "https://studio.example.com";
// Long enough that a new card's first poll (which asks the upstream once) lands well before the task ends.
const TASK_SECONDS = 6;
const PASSWORD = "webhook e2e password";

test.afterEach(async ({}, testInfo) => {
  removeArtifactDirs({ keep: testInfo.status !== testInfo.expectedStatus });
});

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function generate(page: Page, prompt: string) {
  await fillValidForm(page, { prompt });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, prompt);
  await expect(card.getByTestId("task-status")).toHaveText(/Queued|Generating/);
  return card;
}

test("with PUBLIC_BASE_URL, the callback finishes the card within seconds although the poll interval is a minute", async ({
  page,
}) => {
  const stack = await Stack.start({
    name: "webhook",
    taskSeconds: TASK_SECONDS,
    pollIntervalMs: 60_000,
    // The gate stays on: the callback must pass it without a session, while the page still needs one.
    appEnv: { PUBLIC_BASE_URL, APP_PASSWORD: PASSWORD },
    callbackTunnel: { from: PUBLIC_BASE_URL },
  });
  try {
    await page.goto(stack.appUrl);
    await expect(page).toHaveURL(/\/signin$/);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByLabel("Prompt", { exact: true })).toBeVisible();

    const prompt = `Webhook lighthouse ${uniqueTag("cb")}`;
    const card = await generate(page, prompt);
    const submittedAt = Date.now();
    await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });
    // Polling alone would need the next 60 s interval.
    expect(Date.now() - submittedAt).toBeLessThan(TASK_SECONDS * 1000 + 12_000);
    await expect(card.getByTestId("task-video")).toBeVisible();

    const log = await stack.simLog();
    const create = log.creates.find((entry) => entry.body?.prompt === prompt);
    const taskId = create?.taskId ?? "";
    expect(create?.body?.callback_url).toMatch(
      /^https:\/\/studio\.example\.com\/api\/webhooks\/evolink\/[A-Za-z0-9_-]{43}$/,
    );
    const attempts = log.callbacks.filter((entry) => entry.taskId === taskId);
    expect(attempts).toEqual([
      expect.objectContaining({
        url: create?.body?.callback_url,
        deliveredTo: `${stack.appUrl}${new URL(create?.body?.callback_url ?? "").pathname}`,
        attempt: 1,
        status: 200,
        error: null,
      }),
    ]);
    // The first browser poll of a new task, then the callback's refresh: no interval-driven poll.
    expect(log.taskGets[taskId]).toBeLessThanOrEqual(2);
    await page.screenshot({ path: path.join(SHOTS_DIR, "webhook-completed.png"), fullPage: true });

    // Without the token, the same route is a 404 for anyone, and the rest of the API stays gated.
    const forged = await fetch(`${stack.appUrl}/api/webhooks/evolink/${"A".repeat(43)}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ id: taskId, status: "completed" }),
    });
    expect(forged.status).toBe(404);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe("unknown_callback");
    expect((await fetch(`${stack.appUrl}/api/tasks/${taskId}`)).status).toBe(401);
  } finally {
    await stack.stop();
  }
});

test("when the callback cannot reach the studio, polling still completes the task", async ({ page }) => {
  const stack = await Stack.start({
    name: "webhook-fallback",
    taskSeconds: TASK_SECONDS,
    pollIntervalMs: 1000,
    appEnv: { PUBLIC_BASE_URL },
    callbackTunnel: { from: PUBLIC_BASE_URL, toPort: await closedPort() },
  });
  try {
    await page.goto(stack.appUrl);
    const prompt = `Webhook fallback ${uniqueTag("poll")}`;
    const card = await generate(page, prompt);
    await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 20_000 });

    const taskId = (await stack.simLog()).creates.find((entry) => entry.body?.prompt === prompt)?.taskId ?? "";
    // All four documented attempts (retries after 1, 2 and 4 s) fail to connect, and nothing else is tried.
    await expect
      .poll(async () => (await stack.simLog()).callbacks.filter((entry) => entry.taskId === taskId).length, {
        timeout: 15_000,
      })
      .toBe(4);
    const attempts = (await stack.simLog()).callbacks.filter((entry) => entry.taskId === taskId);
    expect(attempts.map((entry) => [entry.attempt, entry.status])).toEqual([
      [1, null],
      [2, null],
      [3, null],
      [4, null],
    ]);
    expect(attempts.every((entry) => entry.error === "ECONNREFUSED")).toBe(true);
    await expect(card.getByTestId("task-status")).toHaveText("Completed");
  } finally {
    await stack.stop();
  }
});
