/**
 * First-load JavaScript of the studio page: every external <script src> the production build's `/` HTML
 * references, fetched from the server and gzipped (level 9, as Next's own size report did). Robust
 * across Next versions because it reads what a browser would load, not a build manifest format.
 * `noModule` scripts (Next's legacy-browser polyfills) are left out: modern browsers never fetch them.
 * The same count on a 404 page gives the floor every page pays (framework + root layout).
 */
import { gzipSync } from "node:zlib";
import { request } from "../lib/http";
import { summarize } from "../lib/stats";
import type { Studio } from "../lib/stack";
import { judgeRow, type Row } from "../lib/table";

/** External scripts a module-capable browser loads for a page, each once, in document order. */
export function scriptSources(html: string): string[] {
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attributes = match[1] as string;
    if (/\bnomodule\b/i.test(attributes)) continue;
    const src = /\bsrc=["']([^"']+)["']/i.exec(attributes);
    if (src) sources.add((src[1] as string).replace(/&amp;/g, "&"));
  }
  return [...sources];
}

export interface FirstLoad {
  scripts: Array<{ src: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
  rawBytes: number;
}

export async function measureFirstLoad(baseUrl: string, pagePath = "/", expectStatus = 200): Promise<FirstLoad> {
  const page = await request(`${baseUrl}${pagePath}`, { timeoutMs: 60_000 });
  if (page.status !== expectStatus) throw new Error(`GET ${pagePath} answered ${page.status}`);
  const sources = scriptSources(page.body.toString("utf8"));
  if (sources.length === 0) throw new Error("the page references no scripts");
  const scripts = [];
  for (const src of sources) {
    const url = new URL(src, `${baseUrl}/`).toString();
    const reply = await request(url, { timeoutMs: 60_000 });
    if (reply.status !== 200) throw new Error(`${src} answered ${reply.status}`);
    scripts.push({ src, bytes: reply.body.length, gzipBytes: gzipSync(reply.body, { level: 9 }).length });
  }
  return {
    scripts,
    gzipBytes: scripts.reduce((n, s) => n + s.gzipBytes, 0),
    rawBytes: scripts.reduce((n, s) => n + s.bytes, 0),
  };
}

export async function firstLoadScenario(studio: Studio): Promise<{ rows: Row[]; detail: FirstLoad; floor: FirstLoad }> {
  const detail = await measureFirstLoad(studio.url);
  const floor = await measureFirstLoad(studio.url, "/__bench-no-such-page", 404);
  const kB = detail.gzipBytes / 1000;
  return {
    detail,
    floor,
    rows: [
      judgeRow({
        scenario: "Studio page first-load JavaScript (production build)",
        metric: "gzip size",
        unit: "kB",
        digits: 1,
        proxy: summarize([kB]),
        direct: null,
        ratio: null,
        targetLabel: "≤ 170 kB",
        judge: { on: "proxy", stat: "median", target: { op: "<=", value: 170 } },
        note:
          `${detail.scripts.length} scripts, ${(detail.rawBytes / 1000).toFixed(1)} kB before gzip (kB = 1000 bytes); ` +
          `${(sharedGzip(detail, floor) / 1000).toFixed(1)} kB of it is loaded by every page (as on a 404 page: framework + root layout), ` +
          `${((detail.gzipBytes - sharedGzip(detail, floor)) / 1000).toFixed(1)} kB is the studio page's own; largest: ` +
          [...detail.scripts]
            .sort((a, b) => b.gzipBytes - a.gzipBytes)
            .slice(0, 3)
            .map((s) => `${s.src.split("/").pop()} ${(s.gzipBytes / 1000).toFixed(1)} kB`)
            .join(", "),
      }),
    ],
  };
}

/** Gzip bytes of the page's scripts that the floor page loads too. */
export function sharedGzip(page: FirstLoad, floor: FirstLoad): number {
  const common = new Set(floor.scripts.map((s) => s.src));
  return page.scripts.filter((s) => common.has(s.src)).reduce((n, s) => n + s.gzipBytes, 0);
}
