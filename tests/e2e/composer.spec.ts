import { mkdirSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { cardFor, fillValidForm, uniqueTag } from "./helpers";

// Issue #19, items 1 and 4: a composer that fits the screen, the sample clip, the draft, Ctrl+Enter.
const SHOTS = "tests/.artifacts/composer";
mkdirSync(SHOTS, { recursive: true });

const VIEWPORTS = { desktop: { width: 1440, height: 900 }, phone: { width: 390, height: 844 } } as const;

const generate = (page: Page) => page.getByRole("button", { name: "Generate" });
const prompt = (page: Page) => page.getByLabel("Prompt", { exact: true });

function countUploads(page: Page): { count: number } {
  const counter = { count: 0 };
  page.on("request", (request) => {
    if (request.url().includes("/api/uploads")) counter.count += 1;
  });
  return counter;
}

/** The stored draft's prompt, read from IndexedDB as the page wrote it (null before the first write). */
function storedPrompt(page: Page): Promise<string | null> {
  return page.evaluate(
    () =>
      new Promise<string | null>((resolve) => {
        const open = indexedDB.open("kling-studio");
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("draft")) return resolve(null);
          const read = db.transaction("draft").objectStore("draft").get("composer");
          read.onsuccess = () => resolve((read.result as { values?: { prompt?: string } })?.values?.prompt ?? null);
          read.onerror = () => resolve(null);
        };
        open.onerror = () => resolve(null);
      }),
  );
}

for (const [device, viewport] of Object.entries(VIEWPORTS)) {
  for (const colorScheme of ["light", "dark"] as const) {
    test(`${device}, ${colorScheme}: the cost and Generate are in view on arrival and stay there`, async ({ page }) => {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await page.goto("/");
      await expect(generate(page)).toBeInViewport({ ratio: 1 });
      await expect(page.getByTestId("cost-estimate")).toBeInViewport({ ratio: 1 });
      await expect(page.getByRole("button", { name: "or paste a video link" })).toBeVisible();
      await expect(page.getByLabel("Reference video URL")).toHaveCount(0);
      await page.screenshot({ path: `${SHOTS}/${device}-${colorScheme}-arrival.png` });
      await page.getByRole("button", { name: "or paste image links" }).click();
      await expect(page.getByLabel("Reference image URLs")).toBeFocused();
      await expect(generate(page)).toBeInViewport({ ratio: 1 });

      // With a video and an image attached the form outgrows the window: the bar still sits in it.
      await page.getByRole("button", { name: "Try a sample clip" }).click();
      await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();
      await expect(page.getByTestId("image-reference").getByTestId("upload-done")).toBeVisible();
      await prompt(page).scrollIntoViewIfNeeded();
      await expect(generate(page)).toBeInViewport({ ratio: 1 });
      const button = await generate(page).boundingBox();
      expect(button && button.y + button.height).toBeLessThanOrEqual(viewport.height);
      await page.screenshot({ path: `${SHOTS}/${device}-${colorScheme}-sample.png` });
    });
  }
}

test("the sample clip reaches a finished result in two clicks", async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.desktop);
  await page.goto("/");
  await page.getByRole("button", { name: "Try a sample clip" }).click();
  await expect(prompt(page)).toHaveValue(/<<<video_1>>> .*<<<image_1>>>/);
  await expect(page.getByTestId("video-facts")).toContainText("1280×720");
  await expect(page.getByTestId("image-reference")).toHaveCount(1);
  await expect(generate(page)).toBeEnabled();
  await generate(page).click();
  const card = cardFor(page, "paper boat drifting across a neon lake").first();
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });
  await page.screenshot({ path: `${SHOTS}/desktop-sample-finished.png` });
});

test("Ctrl+Enter in the prompt generates; without a valid form it only shows the errors", async ({ page }) => {
  await page.goto("/");
  await prompt(page).press("Control+Enter");
  await expect(page.getByTestId("prompt-error")).toBeVisible();
  const tag = uniqueTag("keys");
  await fillValidForm(page, { prompt: `<<<video_1>>> a kite over dunes ${tag}` });
  await prompt(page).press("Control+Enter");
  await expect(cardFor(page, tag)).toHaveCount(1);
});

test("the draft comes back after a reload, references included, and Clear empties it", async ({ page }) => {
  await page.setViewportSize(VIEWPORTS.phone);
  await page.goto("/");
  await page.getByRole("button", { name: "Try a sample clip" }).click();
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();
  await expect(page.getByTestId("image-reference").getByTestId("upload-done")).toBeVisible();
  const tag = uniqueTag("draft");
  await page.getByLabel("Quality").selectOption("1080p");
  await page.getByLabel("Duration").fill("7");
  // The prompt last: the saved draft that holds its tag holds the settings chosen before it too.
  await prompt(page).fill(`<<<video_1>>> a lantern parade ${tag}`);
  await expect.poll(() => storedPrompt(page)).toContain(tag);

  const uploads = countUploads(page);
  await page.reload();
  await expect(prompt(page)).toHaveValue(`<<<video_1>>> a lantern parade ${tag}`);
  await expect(page.getByLabel("Quality")).toHaveValue("1080p");
  await expect(page.getByLabel("Duration")).toHaveValue("7");
  await expect(page.getByTestId("video-facts")).toContainText("1280×720");
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible();
  await expect(page.getByTestId("image-reference").getByTestId("upload-done")).toBeVisible();
  // Still-valid links are reused: nothing is uploaded again.
  expect(uploads.count).toBe(0);
  await page.screenshot({ path: `${SHOTS}/phone-light-draft-restored.png` });

  await page.getByRole("button", { name: "Clear" }).click();
  await expect(prompt(page)).toHaveValue("");
  await expect(page.getByLabel("Quality")).toHaveValue("720p");
  await expect(page.getByTestId("video-reference")).toHaveCount(0);
  await expect.poll(() => storedPrompt(page)).toBe("");
  await page.reload();
  await expect(page.getByRole("button", { name: "Reference video" })).toBeVisible();
  await expect(prompt(page)).toHaveValue("");
  await expect(page.getByTestId("image-reference")).toHaveCount(0);
});

test("leaving while a reference uploads asks first; once nothing uploads it does not", async ({ page }) => {
  await page.goto("/");
  await page.route("**/api/uploads**", () => undefined);
  // The browser asks only on a page the person has interacted with.
  await prompt(page).click();
  await page.getByRole("button", { name: "Try a sample clip" }).click();
  await expect(page.getByTestId("video-reference").getByTestId("upload-progress-text").first()).toBeVisible();
  const asked = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe("beforeunload");
  await dialog.dismiss();
  expect(page.isClosed()).toBe(false);

  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page.getByTestId("submit-blocked")).toHaveCount(0);
  let askedAgain = false;
  page.on("dialog", (again) => {
    askedAgain = true;
    void again.accept();
  });
  await page.close({ runBeforeUnload: true });
  await expect.poll(() => page.isClosed()).toBe(true);
  expect(askedAgain).toBe(false);
});
