/**
 * N concurrent generations end to end. Through the studio: create (POST /api/generations with an
 * Idempotency-Key) → poll like the page until completed → until the archive copy has landed. Directly:
 * create at the simulator → poll it → download the result to disk (the archiver's job). CPU seconds of
 * the serving process tree (studio, or simulator) per generation, failures, wall time.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { BROWSER_HEADERS, createSimTask, createStudioTask } from "../lib/api";
import { request } from "../lib/http";
import { Poller } from "../lib/poller";
import { pairedRatios, summarize } from "../lib/stats";
import { simulatorCpuSeconds, type Simulator, type Studio } from "../lib/stack";
import { judgeRow, type Row } from "../lib/table";
import { withTimeout } from "../lib/timing";
import type { BenchContext } from "./context";

interface Outcome {
  ok: boolean;
  reason?: string;
}

/** Polls `url` at the page's rate until `verdict(body)` says ok or failed. */
function pollToVerdict(
  url: string,
  intervalMs: number,
  headers: Record<string, string>,
  verdict: (body: unknown) => Outcome | null,
  timeoutMs: number,
): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void poller.stop();
      resolve(outcome);
    };
    const poller = new Poller(url, intervalMs, headers, (reply) => {
      if (reply.status !== 200) return false;
      let body: unknown;
      try {
        body = JSON.parse(reply.body.toString("utf8"));
      } catch {
        return false;
      }
      const outcome = verdict(body);
      if (outcome) settle(outcome);
      return outcome !== null;
    }).start(intervalMs);
    const timer = setTimeout(() => settle({ ok: false, reason: `not done within ${timeoutMs} ms` }), timeoutMs);
  });
}

interface RunFigures {
  cpuPerGeneration: number;
  failures: number;
  wallSeconds: number;
  reasons: string[];
}

async function throughStudio(ctx: BenchContext, studio: Studio, rep: number): Promise<RunFigures> {
  const { config } = ctx;
  const timeoutMs = (config.taskSeconds + 90) * 1000;
  const cpuBefore = studio.cpuSeconds();
  const startedAt = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: config.generations }, async (_, i): Promise<Outcome> => {
      try {
        const task = await createStudioTask(studio.url, `bench end to end ${rep + 1}.${i + 1}`);
        return await pollToVerdict(
          `${studio.url}/api/tasks/${task.id}`,
          task.pollAfterMs,
          { ...BROWSER_HEADERS },
          (body) => {
            const t = body as {
              phase?: string;
              archive?: { state?: string; error?: string | null };
              error?: { code?: string } | null;
            };
            if (t.phase === "failed") return { ok: false, reason: `failed: ${t.error?.code ?? "?"}` };
            if (t.phase !== "completed") return null;
            if (t.archive?.state === "archived") return { ok: true };
            if (t.archive?.state === "expired") return { ok: false, reason: "result expired before the archive copy" };
            return null;
          },
          timeoutMs,
        );
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const cpu = studio.cpuSeconds() - cpuBefore;
  const failed = outcomes.filter((o) => !o.ok);
  return {
    cpuPerGeneration: cpu / config.generations,
    failures: failed.length,
    wallSeconds,
    reasons: failed.map((o) => o.reason ?? "?"),
  };
}

async function direct(ctx: BenchContext, sim: Simulator, rep: number): Promise<RunFigures> {
  const { config } = ctx;
  const timeoutMs = (config.taskSeconds + 90) * 1000;
  const archive = path.join(ctx.runDir, "direct-archive");
  mkdirSync(archive, { recursive: true });
  const cpuBefore = simulatorCpuSeconds(sim);
  const startedAt = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: config.generations }, async (_, i): Promise<Outcome> => {
      try {
        const task = await createSimTask(sim, `bench end to end direct ${rep + 1}.${i + 1}`);
        let resultUrl = "";
        const polled = await pollToVerdict(
          `${sim.url}/v1/tasks/${task.id}`,
          config.pollIntervalMs,
          { Authorization: `Bearer ${sim.key}` },
          (body) => {
            const t = body as { status?: string; results?: string[] };
            if (t.status === "completed") {
              resultUrl = t.results?.[0] ?? "";
              return resultUrl ? { ok: true } : { ok: false, reason: "completed without a result" };
            }
            if (t.status === "failed" || t.status === "cancelled") return { ok: false, reason: t.status };
            return null;
          },
          timeoutMs,
        );
        if (!polled.ok) return polled;
        const reply = await request(resultUrl, { timeoutMs: 120_000 });
        if (reply.status !== 200 || reply.bytes === 0 || Number(reply.headers["content-length"]) !== reply.bytes) {
          return { ok: false, reason: `result download answered ${reply.status} with ${reply.bytes} bytes` };
        }
        writeFileSync(path.join(archive, `${task.id}.mp4`), reply.body);
        return { ok: true };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  const wallSeconds = (performance.now() - startedAt) / 1000;
  const cpu = simulatorCpuSeconds(sim) - cpuBefore;
  const failed = outcomes.filter((o) => !o.ok);
  return {
    cpuPerGeneration: cpu / config.generations,
    failures: failed.length,
    wallSeconds,
    reasons: failed.map((o) => o.reason ?? "?"),
  };
}

export async function generationsScenario(ctx: BenchContext, studio: Studio, sim: Simulator): Promise<Row[]> {
  const { config } = ctx;
  const proxy: RunFigures[] = [];
  const straight: RunFigures[] = [];
  for (let rep = 0; rep < config.reps; rep += 1) {
    const order = rep % 2 === 0 ? (["proxy", "direct"] as const) : (["direct", "proxy"] as const);
    for (const side of order) {
      const budget = (config.taskSeconds + 180) * 1000;
      const figures = await withTimeout(
        side === "proxy" ? throughStudio(ctx, studio, rep) : direct(ctx, sim, rep),
        budget,
        `${side} generations exceeded ${budget} ms`,
      );
      (side === "proxy" ? proxy : straight).push(figures);
      ctx.log(
        `  generations rep ${rep + 1} ${side}: ${figures.cpuPerGeneration.toFixed(3)} CPU-s/generation, ${figures.failures} failures, ${figures.wallSeconds.toFixed(1)} s${figures.reasons.length ? ` (${figures.reasons.slice(0, 3).join("; ")})` : ""}`,
      );
    }
  }
  const scenario = `${config.generations} concurrent generations end to end (create → complete → archive)`;
  const cpuProxy = proxy.map((f) => f.cpuPerGeneration);
  const cpuDirect = straight.map((f) => f.cpuPerGeneration);
  const reasons = [...new Set(proxy.flatMap((f) => f.reasons))];
  return [
    judgeRow({
      scenario,
      metric: "server CPU-seconds per generation",
      unit: "s",
      digits: 3,
      proxy: summarize(cpuProxy),
      direct: summarize(cpuDirect),
      ratio: summarize(pairedRatios(cpuProxy, cpuDirect)),
      targetLabel: "",
      judge: null,
      note: "studio column: the studio's process tree; direct column: the simulator's, with the client polling it and downloading each result itself",
    }),
    judgeRow({
      scenario,
      metric: "failures",
      unit: "",
      digits: 0,
      proxy: summarize(proxy.map((f) => f.failures)),
      direct: summarize(straight.map((f) => f.failures)),
      ratio: null,
      targetLabel: "0 in all reps",
      judge: { on: "proxy", stat: "sum", target: { op: "<=", value: 0 } },
      note: reasons.length ? `studio failures: ${reasons.slice(0, 5).join("; ")}` : undefined,
      correctness: true,
    }),
    judgeRow({
      scenario,
      metric: "wall time until all done",
      unit: "s",
      digits: 1,
      proxy: summarize(proxy.map((f) => f.wallSeconds)),
      direct: summarize(straight.map((f) => f.wallSeconds)),
      ratio: summarize(
        pairedRatios(
          proxy.map((f) => f.wallSeconds),
          straight.map((f) => f.wallSeconds),
        ),
      ),
      targetLabel: "",
      judge: null,
    }),
  ];
}
