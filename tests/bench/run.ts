/**
 * `npm run bench` — the studio's performance benchmark. Starts the standalone simulator and production
 * builds of the studio on loopback (studios on 3300–3399, simulators on 4400–4499), runs each scenario
 * against the studio and straight against the simulator, and prints one Markdown table (stdout; progress
 * goes to stderr) and writes the JSON report.
 *
 *   npm run bench                       full run: 200 MB files, 3 repetitions of everything
 *   npm run bench -- --quick            small sizes, 2 repetitions, < 3 min: keeps the script from rotting
 *   options: --build auto|repo|isolated   which production build to serve (see lib/build.ts)
 *            --out <file.json>            where to write the JSON (default tests/.artifacts/bench/latest.json)
 *            --only a,b                   run only these scenarios: upload, download, bucket, fanin, instances, completion, firstload, generations,
 *                                         historybrowser, historyserver, workbench
 *            --keep                       keep the run folder (studio databases, archives, logs) under tests/.artifacts/bench
 *
 * Exit status: 0 when every judged target passes, 2 when a target is missed, 1 on an error. With
 * --quick only the correctness checks (Range bytes, failed generations) decide the status: at small
 * sizes the performance figures are indicative only.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { chooseBuild, type BuildChoice } from "./lib/build";
import { benchConfig } from "./config";
import { ensureVideo } from "./lib/media";
import { installCleanupHooks, killAllSync, stopAll, type Spawned } from "./lib/processes";
import {
  startReferenceProxy,
  startSimulator,
  startStudio,
  type ReferenceProxy,
  type Simulator,
  type Studio,
} from "./lib/stack";
import { judgeRow, renderNotes, renderTable, verdict, type Row } from "./lib/table";
import type { BenchContext } from "./scenarios/context";
import { downloadScenario } from "./scenarios/download";
import { firstLoadScenario, type FirstLoad } from "./scenarios/first-load";
import { generationsScenario } from "./scenarios/generations";
import { historyBrowserScenario } from "./history-browser";
import { historyServerScenario } from "./history-server";
import { completionScenario, fanInScenario } from "./scenarios/polling";
import { workbenchScenario } from "./workbench";
import { objectStorageScenario } from "./object-storage";
import { instancesScenario } from "./instances";
import { uploadScenario } from "./scenarios/upload";

const SCENARIOS = [
  "upload",
  "download",
  "bucket",
  "fanin",
  "instances",
  "completion",
  "firstload",
  "generations",
  "historybrowser",
  "historyserver",
  "workbench",
] as const;
type ScenarioName = (typeof SCENARIOS)[number];
const SIM_KEY = "sk-bench-9c2e71d04b6a";

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function machine(): Record<string, unknown> {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

function loadAverage(): string {
  return os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(" / ");
}

function errorRow(scenario: string, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return judgeRow({
    scenario,
    metric: "scenario ran",
    unit: "",
    digits: 0,
    proxy: null,
    direct: null,
    ratio: null,
    targetLabel: "no error",
    judge: { on: "proxy", stat: "median", target: { op: "<=", value: 0 } },
    note: `ERROR: ${message.split("\n").slice(0, 6).join(" ")}`,
    correctness: true,
  });
}

async function main(): Promise<number> {
  installCleanupHooks();
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      build: { type: "string", default: "auto" },
      out: { type: "string" },
      only: { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const quick = Boolean(values.quick);
  const buildMode = values.build as "auto" | "repo" | "isolated";
  if (!["auto", "repo", "isolated"].includes(buildMode)) throw new Error("--build must be auto, repo or isolated");
  const only = new Set<ScenarioName>(
    values.only ? (values.only.split(",").map((s) => s.trim()) as ScenarioName[]) : SCENARIOS,
  );
  for (const name of only)
    if (!SCENARIOS.includes(name)) throw new Error(`Unknown scenario ${name}; known: ${SCENARIOS.join(", ")}`);

  const repoRoot = path.resolve(__dirname, "..", "..");
  const artifacts = path.join(repoRoot, "tests", ".artifacts", "bench");
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const runDir = path.join(artifacts, `run-${stamp}`);
  mkdirSync(runDir, { recursive: true });
  const config = benchConfig(quick);
  const startedAt = Date.now();
  const loadBefore = loadAverage();
  log(`bench${quick ? " --quick" : ""}: ${JSON.stringify(machine())}, load average ${loadBefore}`);

  const build: BuildChoice = await chooseBuild(
    repoRoot,
    path.join(os.tmpdir(), "kling-studio-bench-build"),
    buildMode,
    log,
  );
  log(
    `build: ${build.how} (${build.appDir})${build.buildSeconds ? `, built in ${build.buildSeconds.toFixed(0)} s` : ""}`,
  );
  // The build is outside the deadline; everything after it must end by itself.
  const watchdog = setTimeout(() => {
    log(`bench: still running after ${config.deadlineMs / 1000} s; stopping everything it started`);
    killAllSync();
    process.exit(1);
  }, config.deadlineMs);
  watchdog.unref();

  const video = await ensureVideo(path.join(artifacts, config.video.file), config.video, log);
  log(
    `video: ${video.path}, ${video.sizeBytes} bytes, ${video.width}x${video.height} ${video.fps} fps, ${video.durationSeconds.toFixed(1)} s`,
  );
  const ctx: BenchContext = { config, repoRoot, runDir, video, log };

  const sections = new Map<ScenarioName, Row[]>();
  let firstLoad: { page: FirstLoad; floor: FirstLoad } | null = null;
  const run = async (name: ScenarioName, label: string, body: () => Promise<Row[]>): Promise<void> => {
    if (!only.has(name)) return;
    log(`▶ ${label} (load average ${loadAverage()})`);
    const began = Date.now();
    try {
      sections.set(name, [...(sections.get(name) ?? []), ...(await body())]);
    } catch (error) {
      log(`  ✗ ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      sections.set(name, [...(sections.get(name) ?? []), errorRow(label, error)]);
    }
    log(`  (${((Date.now() - began) / 1000).toFixed(1)} s)`);
  };
  const stop = async (...procs: Array<{ proc: Spawned } | null>): Promise<void> => {
    await Promise.all(procs.map((p) => p?.proc.stop()));
  };

  // Phase 1: big files. One simulator serving the reference video as every result; studio A archives
  // results, studio B cannot (ARCHIVE_DIR is a file), so it streams them from the upstream link.
  if (only.has("upload") || only.has("download") || only.has("bucket")) {
    let sim: Simulator | null = null;
    let archiving: Studio | null = null;
    let linking: Studio | null = null;
    let reference: ReferenceProxy | null = null;
    try {
      sim = await startSimulator({
        repoRoot,
        name: "simulator (big results)",
        key: SIM_KEY,
        taskSeconds: config.taskSeconds,
        env: { SIMULATOR_FILE_MAX_MB: "250", SIMULATOR_RESULT_FILE: video.path },
      });
      const blocker = path.join(runDir, "archive-is-a-file");
      writeFileSync(
        blocker,
        "ARCHIVE_DIR points here so the archive copy fails and results stream from the upstream link.\n",
      );
      const base = { appDir: build.appDir, runDir, simulator: sim, pollIntervalMs: config.pollIntervalMs };
      [archiving, linking, reference] = await Promise.all([
        startStudio({ ...base, name: "studio-archive" }),
        only.has("download")
          ? startStudio({ ...base, name: "studio-link", env: { ARCHIVE_DIR: blocker } })
          : Promise.resolve(null),
        startReferenceProxy(repoRoot, sim.url),
      ]);
      log(
        `stack 1: simulator ${sim.url}, studio (archive) ${archiving.url}${linking ? `, studio (upstream link) ${linking.url}` : ""}`,
      );
      const a = archiving;
      const l = linking;
      const s = sim;
      const r = reference;
      await run("upload", `Upload ${config.video.label}`, () => uploadScenario(ctx, a, s, r));
      await run("download", `Download ${config.video.label} (archive)`, () => downloadScenario(ctx, a, s, "archive"));
      if (l)
        await run("download", `Download ${config.video.label} (upstream link)`, () =>
          downloadScenario(ctx, l, s, "upstream link", r),
        );
      await run("bucket", `Object storage, ${config.video.label}`, () =>
        objectStorageScenario(ctx, { appDir: build.appDir, simulator: s }),
      );
    } catch (error) {
      log(`stack 1 failed: ${error instanceof Error ? error.message : String(error)}`);
      for (const name of ["upload", "download", "bucket"] as const)
        if (only.has(name) && !sections.has(name)) sections.set(name, [errorRow(name, error)]);
    } finally {
      await stop(archiving, linking, reference, sim);
    }
  }

  // Phase 2: small results (the sample clips). Polling, completion, first-load JS, end-to-end generations.
  const phase2 = SCENARIOS.filter((name) => !["upload", "download", "bucket"].includes(name));
  if (phase2.some((name) => only.has(name))) {
    let sim: Simulator | null = null;
    let studio: Studio | null = null;
    try {
      sim = await startSimulator({ repoRoot, name: "simulator", key: SIM_KEY, taskSeconds: config.taskSeconds });
      studio = await startStudio({
        appDir: build.appDir,
        runDir,
        simulator: sim,
        pollIntervalMs: config.pollIntervalMs,
        name: "studio",
      });
      log(`stack 2: simulator ${sim.url}, studio ${studio.url}`);
      const st = studio;
      const s = sim;
      await run("firstload", "First-load JS", async () => {
        const measured = await firstLoadScenario(st);
        firstLoad = { page: measured.detail, floor: measured.floor };
        return measured.rows;
      });
      await run("fanin", "Poll fan-in", () => fanInScenario(ctx, st, s));
      await run("instances", "Two instances on one PostgreSQL", () =>
        instancesScenario(ctx, { appDir: build.appDir, simulator: s }),
      );
      await run("completion", "Completion latency", () => completionScenario(ctx, st, s));
      await run("generations", `${config.generations} concurrent generations`, () => generationsScenario(ctx, st, s));
      await run("historybrowser", "History in the browser", () =>
        historyBrowserScenario(ctx, { appDir: build.appDir, simulator: s }),
      );
      await run("historyserver", "History on the server", () =>
        historyServerScenario(ctx, { appDir: build.appDir, simulator: s }),
      );
      await run("workbench", "Reference workbench", () =>
        workbenchScenario(ctx, { appDir: build.appDir, simulator: s }),
      );
    } catch (error) {
      log(`stack 2 failed: ${error instanceof Error ? error.message : String(error)}`);
      for (const name of phase2) {
        if (only.has(name) && !sections.has(name)) sections.set(name, [errorRow(name, error)]);
      }
    } finally {
      await stop(studio, sim);
    }
  }
  await stopAll();
  clearTimeout(watchdog);

  const rows = SCENARIOS.flatMap((name) => sections.get(name) ?? []);
  const outcome = verdict(rows);
  const seconds = (Date.now() - startedAt) / 1000;
  const date = new Date().toISOString();
  const m = machine();
  const header =
    `Benchmark${quick ? " (--quick: small sizes, indicative only)" : ""} — ${date.slice(0, 10)}, ` +
    `${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB RAM, ${m.kernel}, Node ${m.node}; ` +
    `${config.reps} repetitions, figures are median (min–max); load average before/after: ${loadBefore} → ${loadAverage()}`;
  const table = renderTable(rows);
  const notes = renderNotes(rows);
  const summary = `${outcome.passed} passed, ${outcome.failed} missed, ${outcome.reported} reported; ${seconds.toFixed(0)} s`;
  process.stdout.write(`\n${header}\n\n${table}\n${notes ? `\n${notes}\n` : ""}\n${summary}\n`);
  if (outcome.failures.length) process.stdout.write(`Missed: ${outcome.failures.join(" · ")}\n`);

  const report = {
    date,
    quick,
    machine: m,
    loadAverage: { before: loadBefore, after: loadAverage() },
    durationSeconds: seconds,
    build,
    config,
    video,
    rows,
    firstLoad,
    verdict: outcome,
  };
  const out = values.out ? path.resolve(values.out) : path.join(artifacts, quick ? "latest-quick.json" : "latest.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(
    out.replace(/\.json$/, "") + ".md",
    `${header}\n\n${table}\n${notes ? `\n${notes}\n` : ""}\n${summary}\n`,
  );
  copyFileSync(out, path.join(artifacts, `results-${stamp}${quick ? "-quick" : ""}.json`));
  // The run folder holds the studios' databases and archived copies (hundreds of MB): gone unless --keep.
  if (!values.keep) rmSync(runDir, { recursive: true, force: true });
  log(`JSON: ${out}`);

  const errors = rows.some((row) => row.note?.startsWith("ERROR:"));
  if (errors) return 1;
  if (quick) return rows.some((row) => row.correctness && row.pass === false) ? 1 : 0;
  return outcome.failed > 0 ? 2 : 0;
}

main().then(
  (code) => {
    killAllSync();
    process.exit(code);
  },
  (error: unknown) => {
    log(error instanceof Error ? (error.stack ?? error.message) : String(error));
    killAllSync();
    process.exit(1);
  },
);
