/**
 * The history in a real browser (Debian's Chromium through Playwright), against production studios whose stores
 * were seeded before they started: how long the page takes to show its first card with 10 entries and with 10,000,
 * how many video bytes opening it costs, and the tab's JS heap after scrolling through every entry.
 */
import path from "node:path";
import { chromium, type Browser, type Page } from "@playwright/test";
import { seedHistory } from "../helpers/seed-history";
import type { BenchContext } from "./scenarios/context";
import { startStudio, type Simulator, type Studio } from "./lib/stack";
import { MB, pairedRatios, summarize } from "./lib/stats";
import { judgeRow, type Row } from "./lib/table";

const BIG = 10_000;
const SMALL = 10;
/** The scroll-through is the slow part (a page of 100 per step): --quick scrolls through fewer entries. */
const QUICK_SCROLL = 2_000;
const SCENARIO = "History in the browser (production build, seeded store)";

/** Seeds a store of `count` finished entries with posters, then starts a studio on it. */
async function seededStudio(
  ctx: BenchContext,
  appDir: string,
  simulator: Simulator,
  pollIntervalMs: number,
  count: number,
): Promise<Studio> {
  const name = `studio-history-${count}`;
  seedHistory({ dataDir: path.join(ctx.runDir, name, "data"), count, withPosters: true });
  return startStudio({ appDir, runDir: ctx.runDir, simulator, pollIntervalMs, name });
}

function isVideo(url: string): boolean {
  return /\/api\/tasks\/[^/]+\/video$/.test(new URL(url).pathname);
}

/** A fresh context (no cache), the page opened; milliseconds until the first card is on screen, and video bytes. */
async function openOnce(browser: Browser, url: string): Promise<{ ms: number; videoBytes: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    let videoBytes = 0;
    page.on("requestfinished", (request) => {
      if (!isVideo(request.url())) return;
      void request.sizes().then((sizes) => (videoBytes += sizes.responseBodySize));
    });
    const began = performance.now();
    await page.goto(url, { waitUntil: "commit" });
    await page.getByTestId("task-card").first().waitFor({ state: "visible", timeout: 60_000 });
    const ms = performance.now() - began;
    // Anything a card would start fetching on its own has had time to begin.
    await page.waitForTimeout(1_500);
    return { ms, videoBytes };
  } finally {
    await context.close();
  }
}

/** JS heap after a full garbage collection, in MiB. */
async function heapMiB(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  await cdp.detach();
  return usedSize / MB;
}

/** Scrolls to the end as a person would (reading on page by page) until `total` cards have been listed. */
async function scrollThrough(page: Page, total: number): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await page.waitForTimeout(30);
    const seen = await page.evaluate(() =>
      Math.max(
        -1,
        ...[...document.querySelectorAll("[data-index]")].map((el) => Number(el.getAttribute("data-index"))),
      ),
    );
    if (seen >= total - 1) return;
    if (Date.now() > deadline) throw new Error(`scrolled to entry ${seen + 1} of ${total} in 10 minutes`);
  }
}

async function heapAfterScrolling(browser: Browser, studio: Studio, entries: number): Promise<[number, number]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.goto(studio.url);
    await page.getByTestId("task-card").first().waitFor({ state: "visible", timeout: 60_000 });
    const atOpen = await heapMiB(page);
    await scrollThrough(page, entries);
    return [atOpen, await heapMiB(page)];
  } finally {
    await context.close();
  }
}

export async function historyBrowserScenario(
  ctx: BenchContext,
  { appDir, simulator }: { appDir: string; simulator: Simulator },
): Promise<Row[]> {
  const { config, log } = ctx;
  const studios: Studio[] = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const [small, big] = await Promise.all(
      [SMALL, BIG].map((count) => seededStudio(ctx, appDir, simulator, config.pollIntervalMs, count)),
    );
    studios.push(small!, big!);
    // One unmeasured open each, so neither side pays the server's first compile of the route.
    await openOnce(browser, small!.url);
    await openOnce(browser, big!.url);
    const reps = Math.max(config.reps, config.quick ? 3 : 7);
    const smallMs: number[] = [];
    const bigMs: number[] = [];
    const videoBytes: number[] = [];
    for (let rep = 0; rep < reps; rep += 1) {
      const a = await openOnce(browser, small!.url);
      const b = await openOnce(browser, big!.url);
      smallMs.push(a.ms);
      bigMs.push(b.ms);
      videoBytes.push(a.videoBytes + b.videoBytes);
      log(`  open: ${SMALL} entries ${a.ms.toFixed(0)} ms, ${BIG} entries ${b.ms.toFixed(0)} ms`);
    }
    const scrolled = config.quick ? QUICK_SCROLL : BIG;
    const [atOpen, afterScroll] = await heapAfterScrolling(browser, big!, scrolled);
    log(`  heap: ${atOpen.toFixed(1)} MiB at open, ${afterScroll.toFixed(1)} MiB after ${scrolled} entries`);
    return [
      judgeRow({
        scenario: SCENARIO,
        metric: `page open to first card: ${BIG.toLocaleString("en-US")} entries (studio column) vs ${SMALL} (direct column)`,
        unit: "ms",
        digits: 0,
        proxy: summarize(bigMs),
        direct: summarize(smallMs),
        ratio: summarize(pairedRatios(bigMs, smallMs)),
        targetLabel: "ratio ≤ 1.3×",
        judge: { on: "ratio", stat: "median", target: { op: "<=", value: 1.3 } },
        note: `${reps} opens of each, alternating, each in a fresh browser context (nothing cached)`,
      }),
      judgeRow({
        scenario: SCENARIO,
        metric: "video bytes fetched on open (both histories, 1.5 s after the first card)",
        unit: "B",
        digits: 0,
        proxy: summarize(videoBytes),
        direct: null,
        ratio: null,
        targetLabel: "0 in all reps",
        judge: { on: "proxy", stat: "max", target: { op: "<=", value: 0 } },
        correctness: true,
      }),
      judgeRow({
        scenario: SCENARIO,
        metric: `JS heap after scrolling through ${scrolled.toLocaleString("en-US")} entries`,
        unit: "MiB",
        digits: 1,
        proxy: summarize([afterScroll]),
        direct: null,
        ratio: null,
        targetLabel: "report",
        judge: null,
        note:
          `${atOpen.toFixed(1)} MiB at open; after a forced GC (CDP)` +
          (config.quick ? `; --quick scrolls through ${QUICK_SCROLL.toLocaleString("en-US")} of ${BIG}` : ""),
      }),
    ];
  } finally {
    await browser.close();
    await Promise.all(studios.map((studio) => studio.proc.stop()));
  }
}
