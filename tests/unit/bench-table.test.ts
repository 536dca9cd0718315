import { describe, expect, it } from "vitest";
import { summarize } from "../bench/lib/stats";
import {
  formatNumber,
  formatRatio,
  formatSummary,
  judgeRow,
  renderNotes,
  renderTable,
  verdict,
  type Row,
} from "../bench/lib/table";
import { scriptSources, sharedGzip } from "../bench/scenarios/first-load";

function row(overrides: Partial<Omit<Row, "pass" | "judgedValue">> = {}): Row {
  return judgeRow({
    scenario: "Upload 200 MB reference video",
    metric: "throughput",
    unit: "MiB/s",
    digits: 1,
    proxy: summarize([80, 90, 85]),
    direct: summarize([100, 100, 100]),
    ratio: summarize([0.8, 0.9, 0.85]),
    targetLabel: "ratio ≥ 0.8×",
    judge: { on: "ratio", stat: "median", target: { op: ">=", value: 0.8 } },
    ...overrides,
  });
}

describe("bench number formatting", () => {
  it("formats fixed decimals without negative zero, n/a for non-finite", () => {
    expect(formatNumber(1.236, 2)).toBe("1.24");
    expect(formatNumber(-0.001, 1)).toBe("0.0");
    expect(formatNumber(Number.NaN, 1)).toBe("n/a");
  });

  it("shows median (min–max), or only the median when the spread is nil", () => {
    expect(formatSummary(summarize([3, 1, 2]), 1)).toBe("2.0 (1.0–3.0)");
    expect(formatSummary(summarize([2, 2, 2]), 1, "ms")).toBe("2.0 ms");
    expect(formatSummary(summarize([5]), 0)).toBe("5");
    expect(formatSummary(null, 1)).toBe("—");
  });

  it("shows ratios with their spread and signed added amounts", () => {
    expect(formatRatio({ ratio: summarize([0.5, 0.6, 0.55]), delta: null, digits: 1, unit: "" })).toBe(
      "0.55× (0.50–0.60)",
    );
    expect(formatRatio({ ratio: summarize([2, 2]), delta: summarize([1.25, 0.5, 3]), digits: 2, unit: "ms" })).toBe(
      "2.00×, +1.25 ms (+0.50…+3.00)",
    );
    expect(formatRatio({ ratio: null, delta: summarize([-0.4]), digits: 1, unit: "ms" })).toBe("-0.4 ms");
    expect(formatRatio({ ratio: null, delta: null, digits: 1, unit: "" })).toBe("—");
  });
});

describe("bench judging", () => {
  it("judges the median, the worst or the sum of repetitions", () => {
    expect(row().pass).toBe(true);
    expect(row({ ratio: summarize([0.7, 0.9, 0.75]) }).pass).toBe(false);
    const worst = row({
      proxy: summarize([500, 1500, 900]),
      judge: { on: "proxy", stat: "max", target: { op: "<=", value: 1000 } },
    });
    expect(worst.judgedValue).toBe(1500);
    expect(worst.pass).toBe(false);
    const sum = row({
      proxy: summarize([0, 1, 0]),
      judge: { on: "proxy", stat: "sum", target: { op: "<=", value: 0 } },
    });
    expect(sum.judgedValue).toBe(1);
    expect(sum.pass).toBe(false);
  });

  it("judges the added amount for latency rows, and leaves report rows unjudged", () => {
    expect(
      row({ delta: summarize([4, 6, 5]), judge: { on: "delta", stat: "median", target: { op: "<=", value: 5 } } }).pass,
    ).toBe(true);
    const report = row({ judge: null, targetLabel: "" });
    expect(report.pass).toBeNull();
    expect(report.judgedValue).toBeNull();
  });

  it("fails a row whose judged figure is missing", () => {
    expect(row({ ratio: null }).pass).toBe(false);
  });
});

describe("bench table output", () => {
  it("renders one Markdown table with a row per figure", () => {
    const rows = [
      row(),
      row({
        metric: "studio peak RSS growth",
        unit: "MiB",
        proxy: summarize([70, 80, 75]),
        direct: null,
        ratio: null,
        targetLabel: "≤ 64 MiB",
        judge: { on: "proxy", stat: "median", target: { op: "<=", value: 64 } },
      }),
      row({
        scenario: "20 generations",
        metric: "CPU | per gen",
        unit: "s",
        digits: 3,
        judge: null,
        targetLabel: "",
        ratio: null,
        direct: null,
        proxy: summarize([0.1]),
      }),
    ];
    const lines = renderTable(rows).split("\n");
    expect(lines[0]).toBe("| Scenario | Metric | Proxied (studio) | Direct | Ratio / added | Target | Result |");
    expect(lines[1]).toBe("|---|---|---|---|---|---|---|");
    expect(lines[2]).toBe(
      "| Upload 200 MB reference video | throughput (MiB/s) | 85.0 (80.0–90.0) | 100.0 | 0.85× (0.80–0.90) | ratio ≥ 0.8× | PASS |",
    );
    expect(lines[3]).toBe(
      "| Upload 200 MB reference video | studio peak RSS growth (MiB) | 75.0 (70.0–80.0) | — | — | ≤ 64 MiB | FAIL |",
    );
    // A "|" inside a cell is escaped so the table keeps its columns.
    expect(lines[4]).toBe("| 20 generations | CPU \\| per gen (s) | 0.100 | — | — | report | report |");
    expect(lines).toHaveLength(5);
  });

  it("lists notes and a verdict", () => {
    const rows = [
      row({ note: "something to know" }),
      row({ ratio: summarize([0.5]) }),
      row({ judge: null, targetLabel: "" }),
    ];
    expect(renderNotes(rows)).toBe("- Upload 200 MB reference video — throughput: something to know");
    expect(verdict(rows)).toEqual({
      passed: 1,
      failed: 1,
      reported: 1,
      failures: ["Upload 200 MB reference video — throughput: 0.50 vs ratio ≥ 0.8×"],
    });
  });

  it("finds every external script of a page once", () => {
    const html =
      '<html><head><script src="/_next/static/chunks/a.js" async=""></script><script>inline()</script>' +
      "<script type='module' src='/_next/static/chunks/b.js?dpl=x&amp;y=1'></script><script src=\"/_next/static/chunks/a.js\"></script></head></html>";
    expect(scriptSources(html)).toEqual(["/_next/static/chunks/a.js", "/_next/static/chunks/b.js?dpl=x&y=1"]);
  });

  it("leaves out noModule polyfills, which modern browsers never fetch", () => {
    const html =
      '<script src="/_next/static/chunks/polyfills.js" noModule=""></script><script src="/main.js" async></script>';
    expect(scriptSources(html)).toEqual(["/main.js"]);
  });

  it("splits a page's scripts into those every page loads and its own", () => {
    const page = {
      scripts: [
        { src: "/f.js", bytes: 10, gzipBytes: 100 },
        { src: "/p.js", bytes: 10, gzipBytes: 40 },
      ],
      gzipBytes: 140,
      rawBytes: 20,
    };
    const floor = {
      scripts: [
        { src: "/f.js", bytes: 10, gzipBytes: 100 },
        { src: "/404.js", bytes: 1, gzipBytes: 5 },
      ],
      gzipBytes: 105,
      rawBytes: 11,
    };
    expect(sharedGzip(page, floor)).toBe(100);
  });
});
