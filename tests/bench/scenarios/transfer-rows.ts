import { pairedRatios, summarize } from "../lib/stats";
import { judgeRow, type Row } from "../lib/table";

/**
 * The rows both transfer scenarios (upload, download) report: throughput against the direct path, the
 * studio's peak RSS growth, and, when the bare reference proxy ran, its throughput as a yardstick.
 */
export function transferRows(input: {
  scenario: string;
  proxyRate: number[];
  directRate: number[];
  growth: number[];
  throughputNote?: string;
  /** The least studio/direct throughput ratio that passes (0.8 unless said). */
  ratioTarget?: number;
  reference?: { rate: number[]; note: string };
}): { throughput: Row; rss: Row; yardstick: Row[] } {
  const { scenario, proxyRate, directRate, growth, throughputNote, reference, ratioTarget = 0.8 } = input;
  return {
    throughput: judgeRow({
      scenario,
      metric: "throughput",
      unit: "MiB/s",
      digits: 1,
      proxy: summarize(proxyRate),
      direct: summarize(directRate),
      ratio: summarize(pairedRatios(proxyRate, directRate)),
      targetLabel: `ratio ≥ ${ratioTarget}×`,
      judge: { on: "ratio", stat: "median", target: { op: ">=", value: ratioTarget } },
      ...(throughputNote ? { note: throughputNote } : {}),
    }),
    rss: judgeRow({
      scenario,
      metric: "studio peak RSS growth",
      unit: "MiB",
      digits: 1,
      proxy: summarize(growth),
      direct: null,
      ratio: null,
      targetLabel: "≤ 64 MiB",
      judge: { on: "proxy", stat: "median", target: { op: "<=", value: 64 } },
    }),
    yardstick: reference
      ? [
          judgeRow({
            scenario,
            metric: "yardstick: throughput through a minimal pass-through proxy",
            unit: "MiB/s",
            digits: 1,
            proxy: summarize(reference.rate),
            direct: summarize(directRate),
            ratio: summarize(pairedRatios(reference.rate, directRate)),
            targetLabel: "",
            judge: null,
            note: reference.note,
          }),
        ]
      : [],
  };
}
