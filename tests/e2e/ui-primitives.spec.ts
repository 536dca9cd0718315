import { expect, test, type Locator, type Page } from "@playwright/test";
import { cardFor, fillValidForm, uniqueTag } from "./helpers";

interface Looks {
  background: number[];
  text: number[];
  paddingLeft: number;
  fontSize: number;
}

/** Computed colours as RGBA (a canvas converts Tailwind's oklch values), plus padding and type size. */
async function looksOf(control: Locator): Promise<Looks> {
  return control.evaluate((element) => {
    const style = getComputedStyle(element);
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const context = canvas.getContext("2d", { willReadFrequently: true })!;
    const rgba = (color: string): number[] => {
      context.clearRect(0, 0, 1, 1);
      context.fillStyle = color;
      context.fillRect(0, 0, 1, 1);
      return Array.from(context.getImageData(0, 0, 1, 1).data);
    };
    return {
      background: rgba(style.backgroundColor),
      text: rgba(style.color),
      paddingLeft: parseFloat(style.paddingLeft),
      fontSize: parseFloat(style.fontSize),
    };
  });
}

const isRed = ([r = 0, g = 0, b = 0]: number[]) => r > g + 80 && r > b + 60;
const isViolet = ([r = 0, g = 0, b = 0]: number[]) => b > g + 60 && r > g;

async function finishedCard(page: Page): Promise<Locator> {
  const tag = uniqueTag("styles");
  await page.goto("/");
  await fillValidForm(page, { prompt: `<<<video_1>>> A lantern floats over a lake ${tag}` });
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });
  return card;
}

for (const colorScheme of ["light", "dark"] as const) {
  test(`buttons keep their variant and size in ${colorScheme} mode`, async ({ page }) => {
    await page.emulateMedia({ colorScheme });
    const card = await finishedCard(page);

    const generate = await looksOf(page.getByRole("button", { name: "Generate" }));
    expect(isViolet(generate.background), `Generate background ${generate.background}`).toBe(true);
    expect(generate.paddingLeft).toBe(16);

    const remix = await looksOf(card.getByRole("button", { name: "Use these settings" }));
    expect(remix.paddingLeft, "a small button's padding").toBe(8);
    expect(remix.fontSize, "a small button's type").toBe(12);

    const deleteButton = card.getByRole("button", { name: "Delete", exact: true });
    const deleteLooks = await looksOf(deleteButton);
    expect(isRed(deleteLooks.text), `Delete text ${deleteLooks.text}`).toBe(true);
    expect(deleteLooks.paddingLeft).toBe(8);

    await deleteButton.click();
    const forGoodButton = card.getByRole("button", { name: "Delete for good" });
    // Its colour fades in (the buttons' transition), so its resting look is awaited, not read at the first frame.
    await expect.poll(async () => isRed((await looksOf(forGoodButton)).background)).toBe(true);
    const forGood = await looksOf(forGoodButton);
    expect(forGood.paddingLeft).toBe(8);
    expect(forGood.fontSize).toBe(12);
    await card.getByRole("button", { name: "Keep" }).click();
  });
}
