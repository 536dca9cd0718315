import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";

const imagesZone = (page: Page) => page.getByRole("button", { name: /^Reference images Drop/ });

/** Drags a real file onto the zone the way a browser does: dragenter, dragover, then drop. */
async function dropFile(page: Page, bytes: Buffer, name: string, type: string, { release = true } = {}) {
  const transfer = await page.evaluateHandle(
    ({ data, name, type }) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([new Uint8Array(data)], name, { type }));
      return transfer;
    },
    { data: [...bytes], name, type },
  );
  const zone = imagesZone(page);
  await zone.dispatchEvent("dragenter", { dataTransfer: transfer });
  await zone.dispatchEvent("dragover", { dataTransfer: transfer });
  if (release) await zone.dispatchEvent("drop", { dataTransfer: transfer });
}

test("an image dropped on the zone is attached, and the zone shows the drag while it lasts", async ({ page }) => {
  await page.goto("/");
  const png = await readFile(fixturePath("imagePng"));
  await dropFile(page, png, "dropped.png", "image/png", { release: false });
  await expect(imagesZone(page)).toHaveClass(/border-violet-500/);
  await imagesZone(page).dispatchEvent("dragleave");
  await expect(imagesZone(page)).not.toHaveClass(/border-violet-500/);

  await dropFile(page, png, "dropped.png", "image/png");
  const images = page.getByTestId("image-reference");
  await expect(images).toHaveCount(1);
  await expect(images.first()).toContainText("dropped.png");
  await expect(images.first()).toContainText("800×600 · PNG");
  await expect(imagesZone(page)).not.toHaveClass(/border-violet-500/);
});

test("Enter and Space on a focused zone open the file picker, and the chosen file is attached", async ({ page }) => {
  await page.goto("/");
  await imagesZone(page).focus();
  const [viaEnter] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press("Enter")]);
  expect(viaEnter.isMultiple()).toBe(true);
  await viaEnter.setFiles(fixturePath("imagePng"));
  await expect(page.getByTestId("image-reference")).toHaveCount(1);

  await imagesZone(page).focus();
  const [viaSpace] = await Promise.all([page.waitForEvent("filechooser"), page.keyboard.press(" ")]);
  await viaSpace.setFiles(fixturePath("imageJpg"));
  await expect(page.getByTestId("image-reference")).toHaveCount(2);

  // The video zone takes one file.
  const [videoChooser] = await Promise.all([
    page.waitForEvent("filechooser"),
    page.getByRole("button", { name: /^Reference video Drop/ }).click(),
  ]);
  expect(videoChooser.isMultiple()).toBe(false);
});
