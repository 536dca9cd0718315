/**
 * First-load JavaScript of the studio page: every external <script src> the production build's `/` HTML
 * references, fetched from the server and gzipped (level 9, as Next's own size report did). Robust
 * across Next versions because it reads what a browser would load, not a build manifest format.
 */
import { gzipSync } from "node:zlib";
import { request } from "../lib/http";
import { summarize } from "../lib/stats";
import type { Studio } from "../lib/stack";
import { judgeRow, type Row } from "../lib/table";

export function scriptSources(html: string): string[] {
  const sources = new Set<string>();
  for (const match of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*>/gi)) sources.add((match[1] as string).replace(/&amp;/g, "&"));
  return [...sources];
}

export interface FirstLoad {
  scripts: Array<{ src: string; bytes: number; gzipBytes: number }>;
  gzipBytes: number;
  rawBytes: number;
}

export async function measureFirstLoad(baseUrl: string): Promise<FirstLoad> {
  const page = await request(`${baseUrl}/`, { timeoutMs: 60_000 });
  if (page.status !== 200) throw new Error(`GET / answered ${page.status}`);
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

export async function firstLoadScenario(studio: Studio): Promise<{ rows: Row[]; detail: FirstLoad }> {
  const detail = await measureFirstLoad(studio.url);
  const kB = detail.gzipBytes / 1000;
  return {
    detail,
    rows: [
      judgeRow({
        scenario: "Studio page first-load JavaScript (production build)",
        metric: "gzip size",
        unit: "kB",
        digits: 1,
        proxy: summarize([kB]),
        direct: null,
        ratio: null,
        targetLabel: "≤ 150 kB",
        judge: { on: "proxy", stat: "median", target: { op: "<=", value: 150 } },
        note: `${detail.scripts.length} scripts, ${(detail.rawBytes / 1000).toFixed(1)} kB before gzip (kB = 1000 bytes)`,
      }),
    ],
  };
}
