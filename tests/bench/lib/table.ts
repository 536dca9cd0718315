/**
 * The benchmark's report: one row per judged figure, rendered as a Markdown table (stdout and README)
 * and as JSON. Pure functions, unit-tested.
 */
import { meets, type Summary, type Target } from "./stats";

export interface Row {
  /** What was run, e.g. "Upload 200 MB reference video". */
  scenario: string;
  /** What was measured, e.g. "throughput". */
  metric: string;
  unit: string;
  /** Decimal places for the figures. */
  digits: number;
  proxy: Summary | null;
  direct: Summary | null;
  /** Paired proxy/direct per repetition. */
  ratio: Summary | null;
  /** Paired proxy − direct per repetition (what the studio adds), for latencies. */
  delta?: Summary | null;
  /** The target as people read it, e.g. "≥ 0.8×". Empty for report-only rows. */
  targetLabel: string;
  /** How the target is judged: which figure, which statistic. */
  judge: Judge | null;
  /** Filled by judgeRow(): true/false, or null for report-only rows. */
  pass: boolean | null;
  /** The judged value (for the JSON and for explaining misses). */
  judgedValue: number | null;
  note?: string;
  /** A correctness check (bytes match, no failures): enforced even by --quick, unlike performance targets. */
  correctness?: boolean;
}

export interface Judge {
  on: "proxy" | "ratio" | "delta";
  /** median: median of the repetitions; max: worst repetition; sum: all repetitions added up. */
  stat: "median" | "max" | "sum";
  target: Target;
}

export function judgedValue(row: Pick<Row, "proxy" | "ratio" | "delta" | "judge">): number | null {
  if (!row.judge) return null;
  const summary = row.judge.on === "proxy" ? row.proxy : row.judge.on === "ratio" ? row.ratio : row.delta;
  if (!summary) return Number.NaN;
  if (row.judge.stat === "median") return summary.median;
  if (row.judge.stat === "max") return summary.max;
  return summary.samples.reduce((total, value) => total + value, 0);
}

/** Fills pass and judgedValue from the row's judge. */
export function judgeRow(row: Omit<Row, "pass" | "judgedValue">): Row {
  const value = judgedValue(row);
  return { ...row, judgedValue: value, pass: row.judge && value !== null ? meets(value, row.judge.target) : null };
}

/** Fixed decimals without "-0"; "n/a" for non-finite values. */
export function formatNumber(value: number, digits: number): string {
  if (!Number.isFinite(value)) return "n/a";
  const text = value.toFixed(digits);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

/** "median (min–max)"; just the median when every repetition gave the same figure or there was one. */
export function formatSummary(summary: Summary | null, digits: number, unit = ""): string {
  if (!summary) return "—";
  const suffix = unit ? ` ${unit}` : "";
  const medianText = formatNumber(summary.median, digits);
  if (summary.n <= 1 || formatNumber(summary.min, digits) === formatNumber(summary.max, digits))
    return `${medianText}${suffix}`;
  return `${medianText}${suffix} (${formatNumber(summary.min, digits)}–${formatNumber(summary.max, digits)})`;
}

function signed(value: number, digits: number): string {
  const text = formatNumber(value, digits);
  return value > 0 && text !== formatNumber(0, digits) ? `+${text}` : text;
}

/** The ratio cell: "0.52× (0.50–0.55)", plus the added amount for latency rows. */
export function formatRatio(row: Pick<Row, "ratio" | "delta" | "digits" | "unit">): string {
  const parts: string[] = [];
  if (row.ratio) {
    const r = row.ratio;
    const same = r.n <= 1 || formatNumber(r.min, 2) === formatNumber(r.max, 2);
    parts.push(
      same
        ? `${formatNumber(r.median, 2)}×`
        : `${formatNumber(r.median, 2)}× (${formatNumber(r.min, 2)}–${formatNumber(r.max, 2)})`,
    );
  }
  if (row.delta) {
    const d = row.delta;
    const unit = row.unit ? ` ${row.unit}` : "";
    const same = d.n <= 1 || formatNumber(d.min, row.digits) === formatNumber(d.max, row.digits);
    parts.push(
      same
        ? `${signed(d.median, row.digits)}${unit}`
        : `${signed(d.median, row.digits)}${unit} (${signed(d.min, row.digits)}…${signed(d.max, row.digits)})`,
    );
  }
  return parts.length ? parts.join(", ") : "—";
}

export function formatResult(pass: boolean | null): string {
  if (pass === null) return "report";
  return pass ? "PASS" : "FAIL";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export const TABLE_HEADER = [
  "Scenario",
  "Metric",
  "Proxied (studio)",
  "Direct",
  "Ratio / added",
  "Target",
  "Result",
] as const;

/** One Markdown table; figures are "median (min–max)" over the repetitions. */
export function renderTable(rows: readonly Row[]): string {
  const lines = [`| ${TABLE_HEADER.join(" | ")} |`, `|${TABLE_HEADER.map(() => "---").join("|")}|`];
  for (const row of rows) {
    const metric = row.unit ? `${row.metric} (${row.unit})` : row.metric;
    lines.push(
      `| ${[
        row.scenario,
        metric,
        formatSummary(row.proxy, row.digits),
        formatSummary(row.direct, row.digits),
        formatRatio(row),
        row.targetLabel || "report",
        formatResult(row.pass),
      ]
        .map(cell)
        .join(" | ")} |`,
    );
  }
  return lines.join("\n");
}

/** Notes under the table, numbered by the rows that carry one. */
export function renderNotes(rows: readonly Row[]): string {
  return rows
    .filter((row) => row.note)
    .map((row) => `- ${row.scenario} — ${row.metric}: ${row.note}`)
    .join("\n");
}

export interface Verdict {
  passed: number;
  failed: number;
  reported: number;
  failures: string[];
}

export function verdict(rows: readonly Row[]): Verdict {
  const failures = rows.filter((row) => row.pass === false);
  return {
    passed: rows.filter((row) => row.pass === true).length,
    failed: failures.length,
    reported: rows.filter((row) => row.pass === null).length,
    failures: failures.map(
      (row) =>
        `${row.scenario} — ${row.metric}: ${formatNumber(row.judgedValue ?? Number.NaN, Math.max(row.digits, 2))} vs ${row.targetLabel}`,
    ),
  };
}
