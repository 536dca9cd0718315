import { median, pairedRatios, summarize } from "../lib/stats";

/** Through the studio, a transfer must reach this share of what a bare pass-through proxy reaches in the same run. */
const OF_THE_PIPE = 0.95;
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
  /**
   * The least studio/direct throughput ratio that passes: 0.95× the bare pipe's ratio when it ran (the hop itself is
   * the honest limit), else 0.8 unless said.
   */
  ratioTarget?: number;
  reference?: { rate: number[]; note: string };
}): { throughput: Row; rss: Row; yardstick: Row[] } {
  const { scenario, proxyRate, directRate, growth, throughputNote, reference } = input;
  const pipeRatio = reference ? median(pairedRatios(reference.rate, directRate)) : null;
  const ratioTarget = pipeRatio === null ? (input.ratioTarget ?? 0.8) : OF_THE_PIPE * pipeRatio;
  const targetLabel =
    pipeRatio === null
      ? `ratio ≥ ${ratioTarget}×`
      : `ratio ≥ ${OF_THE_PIPE} × the pipe's ${pipeRatio.toFixed(2)} = ${ratioTarget.toFixed(2)}×`;
  return {
    throughput: judgeRow({
      scenario,
      metric: "throughput",
      unit: "MiB/s",
      digits: 1,
      proxy: summarize(proxyRate),
      direct: summarize(directRate),
      ratio: summarize(pairedRatios(proxyRate, directRate)),
      targetLabel,
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
