/**
 * Poll fan-in: many browsers polling one running task through the studio vs straight at the simulator
 * (upstream GETs counted at the simulator; latency per request). Completion latency: how long after the
 * simulator flips a task to completed a polling browser sees it, through the studio vs directly.
 */
import { performance } from "node:perf_hooks";
import { BROWSER_HEADERS, createSimTask, createStudioTask, flipTimeMs, simLog, type StudioTask } from "../lib/api";
import { Poller } from "../lib/poller";
import { sleep, withTimeout } from "../lib/timing";
import { callsPerInterval, median, pairedDeltas, pairedRatios, percentile, summarize } from "../lib/stats";
import type { Simulator, Studio } from "../lib/stack";
import { judgeRow, type Row } from "../lib/table";
import type { BenchContext } from "./context";

async function taskGets(sim: Simulator, id: string): Promise<{ count: number; at: number }> {
  const sentAt = performance.now();
  const log = await simLog(sim);
  return { count: log.taskGets[id] ?? 0, at: (sentAt + performance.now()) / 2 };
}

export interface FanInPhase {
  getsPerInterval: number;
  p50: number;
  p95: number;
  requests: number;
  errors: number;
  lastPhase: string;
}

/** `url` may list several studios: the clients are dealt among them in turn. */
export async function fanInPhase(
  ctx: BenchContext,
  sim: Simulator,
  url: string | readonly string[],
  headers: Record<string, string>,
  taskId: string,
  { okStatus = 200, seconds = ctx.config.fanInSeconds }: { okStatus?: number; seconds?: number } = {},
): Promise<FanInPhase> {
  const { pollIntervalMs: interval, fanInClients } = ctx.config;
  const fanInSeconds = seconds;
  let lastBody = "";
  const urls = typeof url === "string" ? [url] : url;
  const pollers = Array.from({ length: fanInClients }, (_, i) =>
    new Poller(urls[i % urls.length]!, interval, headers, (reply) => {
      lastBody = reply.body.toString("utf8");
    }).start(Math.random() * interval),
  );
  try {
    // Every client has started, holds its connection and has been served a few times (route code
    // loaded, JIT warm) before the window opens.
    await sleep(interval + 3000);
    const before = await taskGets(sim, taskId);
    await sleep(fanInSeconds * 1000);
    const after = await taskGets(sim, taskId);
    await Promise.all(pollers.map((poller) => poller.stop()));
    const inWindow = pollers
      .flatMap((poller) => poller.samples)
      .filter((s) => s.sentAt >= before.at && s.sentAt <= after.at);
    const ok = inWindow.filter((s) => s.status === okStatus).map((s) => s.latencyMs);
    let lastPhase = "unknown";
    try {
      const body = JSON.parse(lastBody) as { phase?: string; status?: string };
      lastPhase = body.phase ?? body.status ?? "unknown";
    } catch {
      // Keep "unknown".
    }
    return {
      getsPerInterval: callsPerInterval(after.count - before.count, after.at - before.at, interval),
      p50: percentile(ok, 50),
      p95: percentile(ok, 95),
      requests: inWindow.length,
      // Unexpected answers and failed requests over the whole phase, warm-up included.
      errors: pollers.reduce((n, p) => n + p.failures + p.samples.filter((s) => s.status !== okStatus).length, 0),
      lastPhase,
    };
  } finally {
    await Promise.all(pollers.map((poller) => poller.stop()));
  }
}

export async function fanInScenario(ctx: BenchContext, studio: Studio, sim: Simulator): Promise<Row[]> {
  const { config } = ctx;
  const proxy: FanInPhase[] = [];
  const direct: FanInPhase[] = [];
  const floor: FanInPhase[] = [];
  for (let rep = 0; rep < config.reps; rep += 1) {
    // Rotate the order so no side always runs first.
    const sides = ["proxy", "direct", "floor"] as const;
    const order = sides.map((_, i) => sides[(i + rep) % sides.length] as (typeof sides)[number]);
    for (const side of order) {
      if (side === "floor") {
        // The same clients on a studio route that does nothing: an invalid task id is refused (400) by
        // the route before any database read or upstream call. What Next itself costs per request.
        const phase = await fanInPhase(ctx, sim, `${studio.url}/api/tasks/not-a-task-id`, { ...BROWSER_HEADERS }, "-", {
          okStatus: 400,
          seconds: Math.min(10, config.fanInSeconds),
        });
        floor.push(phase);
        ctx.log(
          `  fan-in rep ${rep + 1} studio floor: p50 ${phase.p50.toFixed(2)} ms, p95 ${phase.p95.toFixed(2)} ms, ${phase.requests} requests, ${phase.errors} errors`,
        );
        continue;
      }
      // "[sim:stall]" holds the task at 42 % for 10× the task time: it stays running through the window.
      if (side === "proxy") {
        const task = await createStudioTask(studio.url, `[sim:stall] bench fan-in ${rep + 1}`);
        const phase = await fanInPhase(ctx, sim, `${studio.url}/api/tasks/${task.id}`, { ...BROWSER_HEADERS }, task.id);
        if (phase.lastPhase === "completed")
          throw new Error("the fan-in task completed inside the window; lengthen --task-seconds");
        proxy.push(phase);
      } else {
        const task = await createSimTask(sim, `[sim:stall] bench fan-in direct ${rep + 1}`);
        const phase = await fanInPhase(
          ctx,
          sim,
          `${sim.url}/v1/tasks/${task.id}`,
          { Authorization: `Bearer ${sim.key}` },
          task.id,
        );
        direct.push(phase);
      }
      const last = (side === "proxy" ? proxy : direct).at(-1) as FanInPhase;
      ctx.log(
        `  fan-in rep ${rep + 1} ${side}: ${last.getsPerInterval.toFixed(2)} upstream GETs/interval, p50 ${last.p50.toFixed(2)} ms, p95 ${last.p95.toFixed(2)} ms, ${last.requests} requests, ${last.errors} errors`,
      );
    }
  }
  const scenario = `Poll fan-in: ${config.fanInClients} clients × ${config.fanInSeconds} s, one running task`;
  const errors = proxy.reduce((n, p) => n + p.errors, 0);
  const requests = proxy.reduce((n, p) => n + p.requests, 0);
  const pick = (phases: FanInPhase[], key: "getsPerInterval" | "p50" | "p95"): number[] => phases.map((p) => p[key]);
  return [
    judgeRow({
      scenario,
      metric: `upstream GETs per task per poll interval (${config.pollIntervalMs} ms)`,
      unit: "",
      digits: 2,
      proxy: summarize(pick(proxy, "getsPerInterval")),
      direct: summarize(pick(direct, "getsPerInterval")),
      ratio: summarize(pairedRatios(pick(proxy, "getsPerInterval"), pick(direct, "getsPerInterval"))),
      targetLabel: "≤ 1",
      judge: { on: "proxy", stat: "median", target: { op: "<=", value: 1 } },
    }),
    judgeRow({
      scenario,
      metric: "p50 poll latency",
      unit: "ms",
      digits: 2,
      proxy: summarize(pick(proxy, "p50")),
      direct: summarize(pick(direct, "p50")),
      ratio: summarize(pairedRatios(pick(proxy, "p50"), pick(direct, "p50"))),
      delta: summarize(pairedDeltas(pick(proxy, "p50"), pick(direct, "p50"))),
      targetLabel: "",
      judge: null,
    }),
    judgeRow({
      scenario,
      metric: "p95 poll latency",
      unit: "ms",
      digits: 2,
      proxy: summarize(pick(proxy, "p95")),
      direct: summarize(pick(direct, "p95")),
      ratio: summarize(pairedRatios(pick(proxy, "p95"), pick(direct, "p95"))),
      delta: summarize(pairedDeltas(pick(proxy, "p95"), pick(direct, "p95"))),
      targetLabel: "≤ +5 ms added",
      judge: { on: "delta", stat: "median", target: { op: "<=", value: 5 } },
      note: errors ? `${errors} of ${requests} studio polls failed` : undefined,
    }),
    judgeRow({
      scenario,
      metric: "yardstick: p95 latency of a studio route that does nothing (400 before any DB or upstream work)",
      unit: "ms",
      digits: 2,
      proxy: summarize(pick(floor, "p95")),
      direct: summarize(pick(direct, "p95")),
      ratio: summarize(pairedRatios(pick(floor, "p95"), pick(direct, "p95"))),
      delta: summarize(pairedDeltas(pick(floor, "p95"), pick(direct, "p95"))),
      targetLabel: "",
      judge: null,
      note: `${Math.min(10, config.fanInSeconds)} s windows: what Next's request handling alone adds on this machine`,
    }),
  ];
}

interface CompletionRep {
  proxy: number[];
  direct: number[];
}

/** Polls until `isDone(body)`; resolves with the wall-clock time of the answer that showed it. */
function pollUntil(
  url: string,
  intervalMs: number,
  headers: Record<string, string>,
  firstDelayMs: number,
  isDone: (body: string) => boolean,
  followPollAfter = false,
): { poller: Poller; seenAt: Promise<number> } {
  let resolveSeen: (at: number) => void = () => undefined;
  const seenAt = new Promise<number>((resolve) => {
    resolveSeen = resolve;
  });
  const poller = new Poller(
    url,
    intervalMs,
    headers,
    (reply, sample) => {
      if (reply.status !== 200) return false;
      let done = false;
      try {
        done = isDone(reply.body.toString("utf8"));
      } catch {
        done = false;
      }
      if (done) resolveSeen(sample.wallEndedAt);
      return done;
    },
    followPollAfter,
  ).start(firstDelayMs);
  return { poller, seenAt };
}

async function completionRep(ctx: BenchContext, studio: Studio, sim: Simulator, rep: number): Promise<CompletionRep> {
  const { config } = ctx;
  const interval = config.pollIntervalMs;
  const pollers: Poller[] = [];
  const seen: Array<{ id: string; proxy: Promise<number>; direct: Promise<number> }> = [];
  try {
    for (let k = 0; k < config.completionTasksPerRep; k += 1) {
      // Spread the creations over an interval so flips land at every phase of the studio's poll cycle.
      await sleep(Math.random() * (interval / config.completionTasksPerRep));
      const task: StudioTask = await createStudioTask(studio.url, `bench completion ${rep + 1}.${k + 1}`);
      // A page asks again pollAfterMs after each answer; its phase relative to the flip is arbitrary (a
      // real generation does not last a whole number of intervals, and a tab may be opened at any time),
      // so its first poll comes at a random point of the interval rather than one interval after the create.
      const browser = pollUntil(
        `${studio.url}/api/tasks/${task.id}`,
        interval,
        { ...BROWSER_HEADERS },
        Math.random() * interval,
        (body) => (JSON.parse(body) as { phase?: string }).phase === "completed",
        true,
      );
      // A direct client polls the simulator at the same interval, from a random phase.
      const client = pollUntil(
        `${sim.url}/v1/tasks/${task.id}`,
        interval,
        { Authorization: `Bearer ${sim.key}` },
        Math.random() * interval,
        (body) => (JSON.parse(body) as { status?: string }).status === "completed",
      );
      pollers.push(browser.poller, client.poller);
      seen.push({ id: task.id, proxy: browser.seenAt, direct: client.seenAt });
    }
    const timeoutMs = config.taskSeconds * 1000 + 5 * interval + 20_000;
    const done = await withTimeout(
      Promise.all(seen.map(async (s) => ({ id: s.id, proxy: await s.proxy, direct: await s.direct }))),
      timeoutMs,
      `completion was not seen within ${timeoutMs} ms`,
    );
    const log = await simLog(sim);
    const out: CompletionRep = { proxy: [], direct: [] };
    for (const entry of done) {
      const flip = flipTimeMs(log, entry.id, sim.taskSeconds);
      out.proxy.push(entry.proxy - flip);
      out.direct.push(entry.direct - flip);
    }
    return out;
  } finally {
    await Promise.all(pollers.map((poller) => poller.stop()));
  }
}

export async function completionScenario(ctx: BenchContext, studio: Studio, sim: Simulator): Promise<Row[]> {
  const { config } = ctx;
  const reps: CompletionRep[] = [];
  for (let rep = 0; rep < config.reps; rep += 1) {
    const result = await completionRep(ctx, studio, sim, rep);
    reps.push(result);
    ctx.log(
      `  completion rep ${rep + 1}: studio ${result.proxy.map((v) => v.toFixed(0)).join(", ")} ms; direct ${result.direct.map((v) => v.toFixed(0)).join(", ")} ms`,
    );
  }
  const worstProxy = reps.map((r) => Math.max(...r.proxy));
  const worstDirect = reps.map((r) => Math.max(...r.direct));
  const medianProxy = reps.map((r) => median(r.proxy));
  const medianDirect = reps.map((r) => median(r.direct));
  const interval = config.pollIntervalMs;
  const scenario = `Completion latency (${config.completionTasksPerRep} tasks per rep, poll interval ${interval} ms)`;
  return [
    judgeRow({
      scenario,
      metric: "worst time from flip to a polling client seeing it",
      unit: "ms",
      digits: 0,
      proxy: summarize(worstProxy),
      direct: summarize(worstDirect),
      ratio: summarize(pairedRatios(worstProxy, worstDirect)),
      targetLabel: `≤ ${interval} ms (1 interval)`,
      judge: { on: "proxy", stat: "median", target: { op: "<=", value: interval } },
    }),
    judgeRow({
      scenario,
      metric: "median time from flip to a polling client seeing it",
      unit: "ms",
      digits: 0,
      proxy: summarize(medianProxy),
      direct: summarize(medianDirect),
      ratio: summarize(pairedRatios(medianProxy, medianDirect)),
      targetLabel: "",
      judge: null,
    }),
  ];
}
