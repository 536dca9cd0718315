import { expect, test, type Page } from "@playwright/test";
import { SAMPLE_VIDEO_URL, fillValidForm, uniqueTag } from "./helpers";
import { KEYED_URL, SIMULATOR_URL } from "./servers";

// Variants (issue #18): several takes from one Generate, each its own upstream task under a key derived from the
// one submit key; the takes sit together in one group card. The simulator's tasks take 4 s here.
test.describe.configure({ timeout: 90_000 });

interface SimCreate {
  body: { prompt?: string } | null;
  taskId: string | null;
  status: number;
}
const createsFor = async (page: Page, tag: string): Promise<SimCreate[]> =>
  ((await (await page.request.get(`${SIMULATOR_URL}/__sim/log`)).json()) as { creates: SimCreate[] }).creates.filter(
    (entry) => entry.body?.prompt?.includes(tag),
  );

/** The studio with its history filtered to this test's prompts (the list mounts only the cards on screen). */
async function open(page: Page, tag: string) {
  await page.goto(`${KEYED_URL}/?q=${encodeURIComponent(tag)}`);
}
const group = (page: Page) => page.getByTestId("variant-group");
const generate = (page: Page) => page.getByRole("button", { name: "Generate", exact: true });

test("four takes from one press are exactly four creates, through a double click, a reload mid-submit and a replay", async ({
  page,
}) => {
  const tag = uniqueTag("four-takes");
  await open(page, tag);
  await fillValidForm(page, { prompt: `<<<video_1>>> a lighthouse at dusk [sim:slow] ${tag}` });
  await page.getByLabel("Variants").fill("4");
  await expect(page.getByTestId("cost-estimate")).toContainText("4 × 40.5 = 162 credits");
  const posted = page.waitForRequest((request) => request.url().endsWith("/api/generations"));
  // 162 credits is above the default CONFIRM_ABOVE_CREDITS (100): asked once, then sent once.
  await generate(page).click();
  const confirm = page.getByTestId("confirm-generate");
  await expect(confirm).toContainText("162 credits");
  await confirm.getByRole("button", { name: "Generate 162 credits" }).dblclick();
  const sent = await posted;
  const key = sent.headers()["idempotency-key"] ?? "";
  const body = sent.postDataJSON() as Record<string, unknown>;
  expect(body.variants).toBe(4);
  // Each slow create takes 3 s: reload while the second is on its way.
  await expect.poll(async () => (await createsFor(page, tag)).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  await page.reload();
  // The same press sent again (a retry after the reload): it waits for and replays the same four.
  const replay = await page.request.post(`${KEYED_URL}/api/generations`, {
    headers: { "Idempotency-Key": key, "Content-Type": "application/json" },
    data: body,
    timeout: 30_000,
  });
  expect(replay.status()).toBe(200);
  const answer = (await replay.json()) as { takes: Array<{ task: { id: string } | null }> };
  expect(answer.takes).toHaveLength(4);
  const creates = await createsFor(page, tag);
  expect(creates).toHaveLength(4);
  expect(new Set(creates.map((entry) => entry.taskId))).toEqual(new Set(answer.takes.map((take) => take.task?.id)));
  await page.reload();
  await expect(group(page)).toHaveCount(1);
  await expect(group(page)).toContainText("4 takes of one Generate");
  await expect(group(page).getByTestId("task-card")).toHaveCount(4);
  await page.waitForTimeout(1_000);
  expect(await createsFor(page, tag)).toHaveLength(4);
});

test("the group card counts its takes; Keep this one stars a take and deletes the other three once confirmed", async ({
  page,
}) => {
  const tag = uniqueTag("keep-best");
  await open(page, tag);
  await fillValidForm(page, { prompt: `<<<video_1>>> a paper boat ${tag}` });
  await page.getByLabel("Duration").fill("3");
  await page.getByLabel("Variants").fill("4");
  // 97.2 credits: below the threshold, so no question.
  await expect(page.getByTestId("cost-estimate")).toContainText("4 × 24.3 = 97.2 credits");
  await generate(page).click();
  await expect(group(page).getByTestId("task-card")).toHaveCount(4);
  const labels = await group(page).getByTestId("task-card").locator("summary > span").allTextContents();
  expect(labels).toEqual(["Take 1", "Take 2", "Take 3", "Take 4"]);
  await expect(group(page).getByTestId("group-summary")).toHaveText("4 finished · 0 failed · 0 running", {
    timeout: 30_000,
  });
  const second = group(page).getByTestId("task-card").nth(1);
  const keptId = await second.getAttribute("data-task-id");
  await second.getByRole("button", { name: "Keep this one" }).click();
  const keep = page.getByTestId("keep-best");
  await expect(keep).toContainText("Take 2 is starred. Delete the other 3 takes and their videos?");
  await expect(second.getByRole("button", { name: "Unstar" })).toBeVisible();
  expect(await group(page).getByTestId("task-card").count()).toBe(4);
  await keep.getByRole("button", { name: "Delete 3 others" }).click();
  await expect(keep).toContainText("3 deleted.");
  await expect(page.getByTestId("task-card")).toHaveCount(1);
  await expect(page.getByTestId("task-card")).toHaveAttribute("data-task-id", keptId ?? "");
  await page.reload();
  await expect(page.getByTestId("task-card")).toHaveCount(1);
  await expect(page.getByTestId("task-card").getByRole("button", { name: "Unstar" })).toBeVisible();
});

test("a third take refused upstream leaves two tasks and one clear failure, and is never resent", async ({ page }) => {
  const tag = uniqueTag("third-refused");
  await open(page, tag);
  await fillValidForm(page, { prompt: `<<<video_1>>> three takes [sim:third-refused] ${tag}` });
  await page.getByLabel("Duration").fill("3");
  await page.getByLabel("Variants").fill("3");
  // 72.9 credits: below the threshold, so no question.
  await generate(page).click();
  await expect(group(page).getByTestId("task-card")).toHaveCount(2);
  const failed = group(page).getByTestId("group-failed-take");
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText("Take 3 was not made: The Evolink account has run out of credits.");
  await expect(failed).toContainText("It was not resent");
  await expect(group(page).getByTestId("group-summary")).toHaveText("2 finished · 1 failed · 0 running", {
    timeout: 30_000,
  });
  await page.reload();
  await expect(group(page).getByTestId("group-failed-take")).toHaveCount(1);
  const creates = await createsFor(page, tag);
  expect(creates.map((entry) => entry.status)).toEqual([200, 200, 402]);
});

test("variants 0, 5 and 2.5 are refused in the form and by the server; a dismissed confirmation sends nothing", async ({
  page,
}) => {
  const tag = uniqueTag("bad-variants");
  await open(page, tag);
  let posts = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/generations")) posts += 1;
  });
  await fillValidForm(page, { prompt: `<<<video_1>>> refused takes ${tag}` });
  for (const [value, message] of [
    ["0", "Variants must be at least 1."],
    ["5", "Variants can be at most 4 takes per Generate."],
    ["2.5", "Variants must be a whole number (no fractions)."],
  ]) {
    await page.getByLabel("Variants").fill(value ?? "");
    await generate(page).click();
    await expect(page.getByTestId("variants-error")).toHaveText(message ?? "");
  }
  expect(posts).toBe(0);
  for (const variants of [0, 5, 2.5, "2"]) {
    const answer = await page.request.post(`${KEYED_URL}/api/generations`, {
      headers: { "Content-Type": "application/json" },
      data: {
        prompt: `<<<video_1>>> refused takes ${tag}`,
        videoUrl: SAMPLE_VIDEO_URL,
        imageUrls: [],
        duration: 5,
        aspectRatio: "16:9",
        quality: "720p",
        keepOriginalSound: true,
        variants,
      },
    });
    expect(answer.status()).toBe(400);
    const error = ((await answer.json()) as { error: { code: string; fields: Record<string, string> } }).error;
    expect(error.code).toBe("validation_failed");
    expect(error.fields.variants).toMatch(/^Variants /);
  }

  // Four takes at 5 s are 162 credits: asked, and dismissed by Cancel and by Escape.
  await page.getByLabel("Variants").fill("4");
  await generate(page).click();
  const confirm = page.getByTestId("confirm-generate");
  await expect(confirm).toBeVisible();
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await generate(page).click();
  await expect(page.getByTestId("confirm-generate")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("confirm-generate")).toHaveCount(0);
  await page.waitForTimeout(500);
  expect(posts).toBe(0);
  expect(await createsFor(page, tag)).toHaveLength(0);
});
