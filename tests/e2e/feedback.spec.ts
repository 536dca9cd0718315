import { mkdirSync } from "node:fs";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";
import { blockingViolations, cardFor, fileInput, fillValidForm, uniqueTag } from "./helpers";
import { KEYED_URL } from "./servers";

// Issue 19's feedback around Generate, the keyboard and touch, and the shapes: desktop and phone, light and dark.
const SHOTS = "tests/.artifacts/feedback";
mkdirSync(SHOTS, { recursive: true });

const DESKTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

async function open(browser: Browser, viewport: typeof DESKTOP, colorScheme: "light" | "dark", url = "/") {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1, baseURL: KEYED_URL });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

const zone = (page: Page, name: "Reference video" | "Reference images") =>
  page.getByRole("button", { name: new RegExp(`^${name}`) });

test("a missing video is marked on its drop zone, and errors clear the moment they are fixed", async ({ browser }) => {
  const page = await open(browser, DESKTOP, "light");
  await page.getByLabel("Prompt", { exact: true }).fill("<<<video_1>>> walks past <<<image_1>>> at dusk");
  await page.getByRole("button", { name: "Generate" }).click();

  const videoError = page.getByTestId("referenceVideo-error");
  await expect(videoError).toHaveText("Add a reference video: drop or choose a file, or paste its public https link.");
  await expect(zone(page, "Reference video")).toHaveAccessibleDescription(/Add a reference video/);
  await expect(page.getByTestId("videoUrl-error")).toHaveCount(0);
  const promptError = page.getByTestId("prompt-error");
  await expect(promptError).toContainText("<<<image_1>>> points at an image, but no reference images are attached");
  await page.screenshot({ path: `${SHOTS}/desktop-light-errors.png` });
  expect(await blockingViolations(page)).toEqual([]);

  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("goodMp4"));
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();
  await expect(videoError).toHaveCount(0);
  // The image token is still unresolved: only that error stays.
  await expect(promptError).toContainText("<<<image_1>>> points at an image");

  await fileInput(page, "referenceImages").setInputFiles(fixturePath("imagePng"));
  await expect(page.getByTestId("image-reference").getByTestId("upload-done")).toBeVisible();
  await expect(promptError).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/desktop-light-errors-fixed.png` });
  await page.context().close();
});

test("the aspect ratio follows a 9:16 reference video, and a mismatch is pointed out", async ({ browser }) => {
  const page = await open(browser, PHONE, "dark");
  const aspect = page.getByLabel("Aspect ratio");
  await expect(aspect).toHaveValue("16:9");
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("goodMov"));
  await expect(aspect).toHaveValue("9:16");
  await expect(page.getByTestId("aspect-note")).toBeHidden();

  await aspect.selectOption("16:9");
  const note = page.getByTestId("aspect-note");
  await expect(note).toHaveText("The reference video is 720×1280 (9:16); this result will be 16:9.");
  await expect(aspect).toHaveAccessibleDescription(/this result will be 16:9/);
  await note.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-dark-aspect-mismatch.png` });
  expect(await blockingViolations(page)).toEqual([]);

  // The person's own choice stands when another video comes: it is only pointed out.
  await page.getByTestId("video-reference").getByRole("button", { name: "Remove" }).click();
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("goodMov"));
  await expect(page.getByTestId("video-reference")).toBeVisible();
  await expect(note).toBeVisible();
  await expect(aspect).toHaveValue("16:9");
  await page.context().close();
});

test("choosing files with Enter keeps focus on the zone or moves it to the new attachment", async ({ browser }) => {
  const page = await open(browser, DESKTOP, "dark");
  const choose = async (name: "Reference video" | "Reference images", files: string[]) => {
    await zone(page, name).focus();
    const chooser = page.waitForEvent("filechooser");
    await page.keyboard.press("Enter");
    await (await chooser).setFiles(files);
  };

  await choose("Reference video", [fixturePath("goodMp4")]);
  await expect(page.getByTestId("video-reference")).toBeFocused();

  await choose("Reference images", [fixturePath("imagePng")]);
  await expect(page.getByTestId("image-reference")).toHaveCount(1);
  await expect(zone(page, "Reference images")).toBeFocused();

  // Filling the last places disables the zone, so focus goes to the newest image.
  await choose("Reference images", [fixturePath("imageJpg"), fixturePath("imageWebp"), fixturePath("imagePng")]);
  await expect(page.getByTestId("image-reference")).toHaveCount(4);
  await expect(page.getByTestId("image-reference").nth(3)).toBeFocused();
  await page.screenshot({ path: `${SHOTS}/desktop-dark-focus.png` });
  await page.context().close();
});

/** Visible controls smaller than 44×44 px, by their layout boxes. */
async function smallTargets(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const controls = document.querySelectorAll<HTMLElement>(
      'button, a[href], input:not([type="hidden"]), select, textarea, summary, [role="button"], [tabindex="0"]',
    );
    const small: string[] = [];
    for (const control of controls) {
      if (control instanceof HTMLInputElement && control.type === "file") continue;
      // A checkbox inside its label is pressed through the whole label.
      const target =
        control instanceof HTMLInputElement && control.type === "checkbox" && control.closest("label")
          ? (control.closest("label") as HTMLElement)
          : control;
      const box = target.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || getComputedStyle(target).visibility === "hidden") continue;
      if (box.width < 44 || box.height < 44) {
        const name = control.getAttribute("aria-label") ?? control.textContent?.trim().slice(0, 30) ?? "";
        small.push(`${control.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return small;
  });
}

test("every touch target is at least 44×44 px on a phone", async ({ browser }) => {
  const page = await open(browser, PHONE, "light");
  const tag = uniqueTag("targets");
  await fillValidForm(page, { prompt: `<<<video_1>>> a kite over dunes ${tag}` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, tag).getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });
  await page.getByLabel("Reference video URL").fill("");
  await fileInput(page, "referenceVideo").setInputFiles(fixturePath("goodMp4"));
  await fileInput(page, "referenceImages").setInputFiles([fixturePath("imagePng"), fixturePath("imageJpg")]);
  await expect(page.getByTestId("image-reference")).toHaveCount(2);
  await expect(page.getByTestId("video-reference")).toBeVisible();
  expect(await smallTargets(page)).toEqual([]);
  await page.getByTestId("image-reference").first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SHOTS}/phone-light-targets.png` });
  await page.context().close();
});

test("after Generate the button says it is sending and the new card comes into view on a phone", async ({
  browser,
}) => {
  const page = await open(browser, PHONE, "dark");
  // Held for a moment, so the sending state can be seen.
  await page.route("**/api/generations", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 2500));
    await route.continue();
  });
  const tag = uniqueTag("harbour");
  await fillValidForm(page, { prompt: `<<<video_1>>> a harbour at dawn ${tag}` });
  await page.getByRole("button", { name: "Generate" }).click();
  const sending = page.getByRole("button", { name: "Sending…" });
  await expect(sending).toBeDisabled();
  const card = cardFor(page, tag);
  await expect(card).toBeInViewport();
  await expect(page.getByTestId("submit-started")).toHaveText("Started: see Generations.");
  await page.screenshot({ path: `${SHOTS}/phone-dark-new-card.png` });
  await page.context().close();
});

test("after Generate from far down the history, a toast offers View instead of moving the page", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const page = await open(browser, { width: 390, height: 600 }, "light");
  const earlier: string[] = [];
  for (const label of ["meadow", "orchard"]) {
    earlier.push(uniqueTag(label));
    await fillValidForm(page, { prompt: `<<<video_1>>> a ${label} ${earlier.at(-1)}` });
    await page.getByRole("button", { name: "Generate" }).click();
    await expect(cardFor(page, earlier.at(-1) ?? "")).toBeVisible();
  }

  const tag = uniqueTag("glacier");
  await page.getByLabel("Prompt", { exact: true }).fill(`<<<video_1>>> a glacier ${tag}`);
  // Reading the history: the older card at the top of the screen, the newer one (and the form) above it. A
  // spacer stands in for the rest of a long history, so the page can scroll that far.
  await page.evaluate(() =>
    document.body.append(Object.assign(document.createElement("div"), { style: "height:2000px" })),
  );
  await cardFor(page, earlier[0] ?? "").evaluate((card) => card.scrollIntoView({ block: "start" }));
  await expect(cardFor(page, earlier[1] ?? "")).not.toBeInViewport();
  const scrolled = await page.evaluate(() => window.scrollY);
  // Submitted as a sticky bar would, without Playwright scrolling the button into view first.
  await page.getByRole("button", { name: "Generate" }).evaluate((button: HTMLButtonElement) => button.click());
  const toast = page.getByTestId("new-card-toast");
  await expect(toast).toContainText("Generation started.");
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThanOrEqual(scrolled);
  await page.screenshot({ path: `${SHOTS}/phone-light-toast.png` });
  expect(await blockingViolations(page)).toEqual([]);

  await toast.getByRole("button", { name: "View" }).click();
  await expect(cardFor(page, tag)).toBeInViewport();
  await expect(toast).toHaveCount(0);
  await page.context().close();
});

test("after Generate at the bottom of the desktop form, the new card is scrolled into view", async ({ browser }) => {
  const page = await open(browser, DESKTOP, "dark");
  const earlier = uniqueTag("canyon");
  await fillValidForm(page, { prompt: `<<<video_1>>> a canyon ${earlier}` });
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, earlier)).toBeVisible();
  const tag = uniqueTag("lagoon");
  await page.getByLabel("Prompt", { exact: true }).fill(`<<<video_1>>> a lagoon ${tag}`);
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await page.getByRole("button", { name: "Generate" }).click();
  await expect(cardFor(page, tag)).toBeInViewport();
  await expect(page.getByTestId("new-card-toast")).toHaveCount(0);
  await page.screenshot({ path: `${SHOTS}/desktop-dark-new-card.png` });
  await page.context().close();
});
