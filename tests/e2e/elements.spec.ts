import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";
import { SHOTS_DIR, cardFor, fileInput, imageLinksBox, uniqueTag } from "./helpers";
import { KEYED_URL, SIMULATOR_URL } from "./servers";

// Elements (issue #17): made in the Elements panel, kept in the library, used in generations. The simulator
// takes twice its task time (4 s here) to make one.

const LINK = (name: string) => `https://media.example.com/elements/${name}.png`;

interface SimCreate {
  body: { model?: string; prompt?: string; model_params?: Record<string, unknown> } | null;
  taskId: string | null;
  status: number;
}
const simCreates = async (request: APIRequestContext): Promise<SimCreate[]> =>
  ((await (await request.get(`${SIMULATOR_URL}/__sim/log`)).json()) as { creates: SimCreate[] }).creates;

const elementsPanel = (page: Page) => page.getByRole("region", { name: "Elements" });
const libraryItem = (page: Page, name: string) =>
  elementsPanel(page).getByTestId("element-item").filter({ hasText: name });

/** Opens New element and fills its texts; images are added by each test. */
async function startElement(page: Page, name: string, description = "A weathered sea captain in a navy coat") {
  const panel = elementsPanel(page);
  await panel.getByRole("button", { name: "New element" }).click();
  await panel.getByLabel("Element name").fill(name);
  await panel.getByLabel("Element description").fill(description);
  return panel;
}

/** Counts the page's element creates, to show a refused form sends nothing. */
function countElementPosts(page: Page): { count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith("/api/elements")) counter.count += 1;
  });
  return counter;
}

async function progressOf(item: Locator): Promise<number> {
  return Number(await item.getByRole("progressbar").getAttribute("aria-valuenow"));
}

test("demo mode: New element shows its cost, its creation's progress, then stays Ready in the library; rename", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto("/");
  const name = `Mara ${uniqueTag("").slice(-6)}`;
  const panel = await startElement(page, name);
  await expect(panel.getByTestId("element-cost")).toContainText(
    "costs 1 credit ($0.014) on Evolink, refunded if it fails",
  );
  await fileInput(page, "elementImages").setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg")]);
  const chosen = panel.getByTestId("element-image");
  await expect(chosen.nth(0)).toContainText("Frontal view");
  await expect(chosen.nth(1)).toContainText("Angle 1");
  for (const index of [0, 1]) await expect(chosen.nth(index).getByTestId("upload-done")).toBeVisible();
  await panel.getByRole("button", { name: "Create element" }).click();

  const item = libraryItem(page, name);
  await expect(item.getByTestId("element-status")).toHaveText(/Creating/);
  const seen: number[] = [];
  await expect
    .poll(
      async () => {
        if (await item.getByRole("progressbar").count()) seen.push(await progressOf(item));
        return seen.some((value) => value > 0 && value < 100);
      },
      { intervals: [200], timeout: 20_000 },
    )
    .toBe(true);
  await expect(item.getByTestId("element-status")).toHaveText("Ready", { timeout: 30_000 });
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  await expect(item.getByRole("img", { name: `Frontal view of ${name}` })).toHaveAttribute("src", /^data:image\/jpeg/);
  await expect(item.getByRole("button", { name: "Use" })).toBeEnabled();

  await page.reload();
  const again = libraryItem(page, name);
  await expect(again.getByTestId("element-status")).toHaveText("Ready");
  const id = await again.getAttribute("data-element-id");
  await again.getByRole("button", { name: "Rename" }).click();
  await again.getByLabel(`New name for ${name}`).fill(`${name} II`);
  await again.getByRole("button", { name: "Save" }).click();
  const renamed = page.locator(`[data-element-id="${id}"]`);
  await expect(renamed.getByTestId("element-name")).toHaveText(`${name} II`);
  await page.reload();
  await expect(page.locator(`[data-element-id="${id}"]`).getByTestId("element-name")).toHaveText(`${name} II`);
});

test("the New element form refuses each bad input before anything is sent", async ({ page }) => {
  const posts = countElementPosts(page);
  await page.goto("/");
  const panel = await startElement(page, "n".repeat(21), "d".repeat(101));
  const links = panel.getByLabel("Element image links");
  const create = panel.getByRole("button", { name: "Create element" });

  await create.click();
  await expect(panel.getByTestId("element-name-error")).toHaveText(
    "The name is 21 characters; the limit is 20. Shorten it.",
  );
  await expect(panel.getByTestId("element-description-error")).toHaveText(
    "The description is 101 characters; the limit is 100. Shorten it.",
  );
  await expect(panel.getByTestId("element-image-urls-error")).toContainText("Give a frontal image");
  await expect(panel.getByTestId("element-name-counter")).toHaveText("21 / 20");

  await panel.getByLabel("Element name").fill("Mara");
  await panel.getByLabel("Element description").fill("A sea captain");
  await links.fill(LINK("front"));
  await create.click();
  await expect(panel.getByTestId("element-image-urls-error")).toContainText("0 extra angles given; give 1 to 3");

  await links.fill([1, 2, 3, 4, 5].map((n) => LINK(`view-${n}`)).join("\n"));
  await create.click();
  await expect(panel.getByTestId("element-image-urls-error")).toContainText("4 extra angles given");

  await links.fill(`${LINK("front")}\nhttp://media.example.com/side.png`);
  await create.click();
  await expect(panel.getByTestId("element-image-urls-error")).toContainText("Extra angle 1: Use an https:// link");

  await links.fill("");
  await fileInput(page, "elementImages").setInputFiles([fixturePath("imageTiny")]);
  await expect(panel.getByTestId("reference-problems")).toContainText("200×200; each side must be at least 300 px");
  await expect(create).toBeDisabled();
  expect(posts.count).toBe(0);
});

test("the server refuses the same bad elements, and generations with elements it cannot use", async ({ page }) => {
  await page.goto("/");
  const post = (path: string, data: unknown) => page.request.post(path, { data });
  const element = {
    name: "Mara",
    description: "A sea captain",
    frontalImageUrl: LINK("front"),
    extraImageUrls: [LINK("side")],
  };
  const bad: Array<[Record<string, unknown>, string, RegExp]> = [
    [{ name: "n".repeat(21) }, "name", /21 characters; the limit is 20/],
    [{ description: "d".repeat(101) }, "description", /101 characters; the limit is 100/],
    [{ frontalImageUrl: "" }, "frontalImageUrl", /Give a frontal image/],
    [{ extraImageUrls: [] }, "extraImageUrls", /^0 extra angles/],
    [{ extraImageUrls: [1, 2, 3, 4].map((n) => LINK(`v${n}`)) }, "extraImageUrls", /^4 extra angles/],
  ];
  for (const [change, field, message] of bad) {
    const answer = await post("/api/elements", { ...element, ...change });
    expect(answer.status()).toBe(400);
    expect((await answer.json()).error.fields[field]).toMatch(message);
  }

  // One still being created, one whose creation ends without an element_id, one that is not in the library.
  const creating = await (await post("/api/elements", { ...element, name: uniqueTag("slow").slice(0, 20) })).json();
  const broken = await (
    await post("/api/elements", {
      ...element,
      name: uniqueTag("noid").slice(0, 20),
      description: "[sim:no-element-id]",
    })
  ).json();
  const generation = (elementIds: string[]) => ({
    prompt: "<<<element_1>>> on a pier, in <<<video_1>>>",
    videoUrl: "https://media.example.com/v.mp4",
    imageUrls: [],
    duration: 5,
    aspectRatio: "16:9",
    quality: "720p",
    keepOriginalSound: true,
    elementIds,
    watermark: false,
  });
  const notReady = await post("/api/generations", generation([creating.id]));
  expect(notReady.status()).toBe(409);
  expect((await notReady.json()).error).toMatchObject({
    code: "element_not_ready",
    message: "A chosen element is still being created.",
    detail: expect.stringMatching(/^<<<element_1>>> “.*” is still being created \(\d+%\)\.$/),
  });
  const unknown = await post("/api/generations", generation(["el-0123456789abcdef"]));
  expect(unknown.status()).toBe(422);
  expect((await unknown.json()).error.code).toBe("element_unknown");

  // Made outside this page: the library shows them once read again.
  await page.reload();
  const item = page.locator(`[data-element-id="${broken.id}"]`);
  await expect(item.getByTestId("element-status")).toHaveText("Failed", { timeout: 30_000 });
  await expect(item.getByTestId("element-error")).toContainText(
    "Evolink finished the element but sent no element_id the studio could read.",
  );
  await expect(item.getByTestId("element-error")).toContainText("its answer's keys: created, id");
  await expect(item.getByTestId("element-error")).toContainText("result_data[0].status");
  await expect(item.getByRole("button", { name: "Use" })).toBeDisabled();
  const failed = await post("/api/generations", generation([broken.id]));
  expect(failed.status()).toBe(422);
  expect((await failed.json()).error.code).toBe("element_failed");
});

test("an element is created once on a double click, used with a video and two images, remixed and deleted; the watermark reaches the simulator both ways", async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(`${KEYED_URL}/`);
  const name = `Gull ${uniqueTag("").slice(-6)}`;
  const panel = await startElement(page, name, "A grey gull with a red beak");
  await panel.getByLabel("Element image links").fill(`${LINK("gull-front")}\n${LINK("gull-side")}`);
  await panel.getByRole("button", { name: "Create element" }).dblclick();
  const item = libraryItem(page, name);
  await expect(item.getByTestId("element-status")).toHaveText("Ready", { timeout: 30_000 });
  const made = (await simCreates(page.request)).filter(
    (entry) => (entry.body?.model_params as { element_name?: string } | undefined)?.element_name === name,
  );
  expect(made).toHaveLength(1);
  expect(made[0]?.body?.model).toBe("kling-custom-element");
  const library = (await (await page.request.get(`${KEYED_URL}/api/elements`)).json()) as {
    elements: Array<{ name: string; elementId: string }>;
  };
  const elementId = library.elements.find((entry) => entry.name === name)?.elementId;
  expect(elementId).toMatch(/^\d{15}$/);

  await item.getByRole("button", { name: "Use" }).click();
  await expect(item.getByTestId("element-use-note")).toHaveText(`“${name}” attached as <<<element_1>>>.`);
  const attached = page.getByTestId("attached-element");
  await expect(attached).toHaveCount(1);
  await expect(attached).toContainText(`<<<element_1>>>${name}`);

  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("goodMp4"));
  await fileInput(page, "referenceImages").setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg")]);
  const images = page.getByTestId("image-reference");
  for (const index of [0, 1]) await expect(images.nth(index).getByTestId("upload-done")).toBeVisible();
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();

  // A token for a second element that is not attached, and one element with four images: both refused.
  const prompt = page.getByLabel("Prompt", { exact: true });
  const generate = page.getByRole("button", { name: "Generate" });
  await prompt.fill("<<<element_2>>> flies");
  await generate.click();
  await expect(page.getByTestId("prompt-error")).toHaveText(
    "<<<element_2>>> points at no element: 1 attached, so use element_1 to element_1.",
  );
  await expect(page.getByTestId("prompt-chips").locator("[data-token][data-problem]")).toHaveCount(1);
  const pasted = await imageLinksBox(page);
  await pasted.fill(`${LINK("extra-1")}\n${LINK("extra-2")}`);
  await prompt.fill("<<<element_1>>> flies over <<<video_1>>>");
  await generate.click();
  await expect(page.getByTestId("elementIds-error")).toHaveText(
    "4 images and 1 element attached; with a reference video, images and elements together are at most 4. Remove 1.",
  );
  await pasted.fill("");

  const tag = uniqueTag("gull");
  await prompt.fill(`${tag}`);
  await page.getByRole("button", { name: "Insert Element 1" }).click();
  await prompt.press("End");
  await prompt.pressSequentially("flies past");
  await page.getByRole("button", { name: "Insert Image 2" }).click();
  await prompt.press("End");
  await prompt.pressSequentially("in");
  await page.getByRole("button", { name: "Insert Video" }).click();
  const sentPrompt = `${tag} <<<element_1>>> flies past <<<image_2>>> in <<<video_1>>>`;
  await expect(prompt).toHaveValue(`${sentPrompt} `);
  await expect(page.getByTestId("prompt-chips").locator("[data-token]")).toHaveCount(3);
  await expect(page.getByTestId("prompt-chips").locator("[data-token][data-problem]")).toHaveCount(0);
  await page.getByLabel("Add watermark").check();
  await page.screenshot({ path: `${SHOTS_DIR}/desktop-elements-form.png`, fullPage: true });
  await generate.click();

  const card = cardFor(page, tag);
  await expect(card).toHaveCount(1);
  await expect(card.getByTestId("task-elements")).toHaveText(`Elements<<<element_1>>> ${name}`);
  await expect(card.getByTestId("task-watermark")).toContainText("Watermark on");
  const sentFor = async (text: string) =>
    (await simCreates(page.request)).filter((c) => c.body?.prompt?.startsWith(text));
  const [first] = await sentFor(tag);
  expect(first?.status).toBe(200);
  expect(first?.body?.prompt).toBe(sentPrompt);
  expect(first?.body?.model_params).toEqual({
    element_list: [{ element_id: elementId }],
    watermark_info: { enabled: true },
  });
  expect((first?.body as { image_urls?: string[] }).image_urls).toHaveLength(2);
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });

  // Remix: the element, the tokens and the watermark come back; sent again without the watermark.
  await card.getByRole("button", { name: "Use these settings" }).click();
  await expect(prompt).toHaveValue(sentPrompt);
  await expect(attached).toContainText(name);
  await expect(page.getByLabel("Add watermark")).toBeChecked();
  const tag2 = uniqueTag("gull-plain");
  await prompt.fill(`${tag2} <<<element_1>>> in <<<video_1>>>`);
  await page.getByLabel("Add watermark").uncheck();
  await generate.click();
  await expect(cardFor(page, tag2).getByTestId("task-watermark")).toContainText("No watermark");
  const [second] = await sentFor(tag2);
  expect(second?.body?.model_params).toEqual({
    element_list: [{ element_id: elementId }],
    watermark_info: { enabled: false },
  });

  // Delete: it only leaves this library; a later remix names it instead of dropping it silently.
  await item.getByRole("button", { name: "Delete" }).click();
  await expect(item).toContainText("It only leaves this studio's library");
  await item.getByRole("button", { name: "Delete from library" }).click();
  await expect(item).toHaveCount(0);
  await page.reload();
  const entry = cardFor(page, tag);
  await expect(entry.getByTestId("task-elements")).toHaveText(
    `Elements<<<element_1>>> ${name} (deleted from the library)`,
  );
  await entry.getByRole("button", { name: "Use these settings" }).click();
  await expect(page.getByTestId("remix-deleted-elements")).toContainText(`element 1 “${name}”`);
  await expect(prompt).toHaveValue(`${tag} flies past <<<image_2>>> in <<<video_1>>>`);
  await expect(page.getByTestId("attached-element")).toHaveCount(0);
});
