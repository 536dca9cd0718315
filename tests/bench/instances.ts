/**
 * Two studio instances on one PostgreSQL (a throwaway cluster, tests/helpers/pg-cluster.ts) and one simulator:
 * browsers polling one running task, dealt between the two, still cost at most one upstream GET per poll interval
 * (the poll slot in the database); then generations made on A, A killed with SIGKILL while they run, and B alone
 * finishing and archiving every one of them (0 lost, 0 created twice).
 */
import { startPgCluster, type PgCluster } from "../helpers/pg-cluster";
import type { BenchContext } from "./scenarios/context";
import { BROWSER_HEADERS, createStudioTask, simLog, waitForStudioTask } from "./lib/api";
import { startStudio, type Simulator, type Studio } from "./lib/stack";
import { summarize } from "./lib/stats";
import { judgeRow, type Row } from "./lib/table";
import { fanInPhase, type FanInPhase } from "./scenarios/polling";

const SCENARIO = "Two instances, one PostgreSQL";

async function fanIn(ctx: BenchContext, a: Studio, b: Studio, sim: Simulator): Promise<FanInPhase[]> {
  const phases: FanInPhase[] = [];
  for (let rep = 0; rep < ctx.config.reps; rep++) {
    // "[sim:stall]" holds the task at 42 % for 10× the task time: it stays running through the window.
    const task = await createStudioTask(a.url, `[sim:stall] bench two-instance fan-in ${rep + 1}`);
    const urls = [a.url, b.url].map((base) => `${base}/api/tasks/${task.id}`);
    const phase = await fanInPhase(ctx, sim, urls, { ...BROWSER_HEADERS }, task.id);
    phases.push(phase);
    ctx.log(
      `  two instances fan-in rep ${rep + 1}: ${phase.getsPerInterval.toFixed(2)} upstream GETs/interval, ${phase.requests} requests, ${phase.errors} errors`,
    );
  }
  return phases;
}

/** Generations made on A, A killed mid-way, B alone finishes them: how many ended unarchived, how many were created twice. */
async function killMidway(ctx: BenchContext, a: Studio, b: Studio, sim: Simulator) {
  const count = ctx.config.quick ? 4 : 12;
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await createStudioTask(a.url, `bench two-instance kill ${i + 1}`)).id);
  await new Promise((resolve) => setTimeout(resolve, ctx.config.pollIntervalMs));
  process.kill(-a.proc.pid, "SIGKILL");
  await a.proc.exited;
  const began = Date.now();
  const ended = await Promise.all(
    ids.map((id) =>
      waitForStudioTask(
        b.url,
        id,
        (t) => t.phase === "failed" || (t.phase === "completed" && t.archive.state !== "none"),
        (sim.taskSeconds + 120) * 1000,
      ).catch(() => null),
    ),
  );
  const lost = ended.filter((t) => !t || t.phase !== "completed" || t.archive.state !== "archived").length;
  const log = await simLog(sim);
  const creates = ids.map((id) => log.creates.filter((entry) => entry.taskId === id).length);
  const doubled = creates.filter((n) => n !== 1).length;
  const downloads = ids.map((id) => log.resultGets[id] ?? 0);
  ctx.log(
    `  two instances kill: ${count} tasks, ${lost} not archived, ${doubled} not created exactly once, ` +
      `B finished them in ${((Date.now() - began) / 1000).toFixed(1)} s, result downloads ${downloads.join(",")}`,
  );
  return { count, lost, doubled, downloads };
}

export async function instancesScenario(
  ctx: BenchContext,
  options: { appDir: string; simulator: Simulator },
): Promise<Row[]> {
  let cluster: PgCluster | null = null;
  const studios: Studio[] = [];
  try {
    cluster = await startPgCluster();
    const base = { ...options, runDir: ctx.runDir, pollIntervalMs: ctx.config.pollIntervalMs };
    const env = { DATABASE_URL: cluster.url };
    const a = await startStudio({ ...base, name: "studio-instance-a", env });
    studios.push(a);
    const b = await startStudio({ ...base, name: "studio-instance-b", env });
    studios.push(b);
    const phases = await fanIn(ctx, a, b, options.simulator);
    const kill = await killMidway(ctx, a, b, options.simulator);
    const clients = `${ctx.config.fanInClients} clients dealt between A and B × ${ctx.config.fanInSeconds} s`;
    return [
      judgeRow({
        scenario: `${SCENARIO}: ${clients}, one running task`,
        metric: `upstream GETs per task per poll interval (${ctx.config.pollIntervalMs} ms), both instances together`,
        unit: "",
        digits: 2,
        proxy: summarize(phases.map((p) => p.getsPerInterval)),
        direct: null,
        ratio: null,
        targetLabel: "≤ 1",
        judge: { on: "proxy", stat: "median", target: { op: "<=", value: 1 } },
      }),
      judgeRow({
        scenario: `${SCENARIO}: ${kill.count} generations made on A, A killed with SIGKILL while they run`,
        metric: "tasks B did not finish and archive, plus tasks not created exactly once",
        unit: "",
        digits: 0,
        proxy: summarize([kill.lost + kill.doubled]),
        direct: null,
        ratio: null,
        targetLabel: "0",
        judge: { on: "proxy", stat: "median", target: { op: "<=", value: 0 } },
        correctness: true,
        note: `result downloads per task: ${kill.downloads.join(", ")} (2 when A was cut off mid-copy and B made it again)`,
      }),
    ];
  } finally {
    await Promise.all(studios.map((studio) => studio.proc.stop()));
    cluster?.stop();
  }
}
