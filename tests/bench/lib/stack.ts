/** Starting the standalone simulator and production studios for the benchmark, on loopback only. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { waitUntilAnswers } from "./http";
import { cleanEnv, freePort, SIMULATOR_PORTS, Spawned, STUDIO_PORTS } from "./processes";
import { treeCpuSeconds, processTree, treeRssReader } from "./proc";

export interface Simulator {
  proc: Spawned;
  url: string;
  key: string;
  taskSeconds: number;
}

export async function startSimulator(options: {
  repoRoot: string;
  name: string;
  key: string;
  taskSeconds: number;
  env?: Record<string, string>;
}): Promise<Simulator> {
  const port = await freePort(SIMULATOR_PORTS);
  const proc = new Spawned(
    options.name,
    "npx",
    [
      "tsx",
      "lib/simulator/cli.ts",
      "--port",
      String(port),
      "--host",
      "127.0.0.1",
      "--key",
      options.key,
      "--task-seconds",
      String(options.taskSeconds),
    ],
    { cwd: options.repoRoot, env: cleanEnv(options.env ?? {}) },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(`${url}/__sim/log`, 60_000, () => proc.deadReason());
  return { proc, url, key: options.key, taskSeconds: options.taskSeconds };
}

export interface Studio {
  proc: Spawned;
  url: string;
  dataDir: string;
  /** RSS of the whole `npm start` process tree (npm, sh, next-server), in bytes. */
  rss: () => number;
  /** CPU seconds used so far by the process tree. */
  cpuSeconds: () => number;
}

export async function startStudio(options: {
  appDir: string;
  name: string;
  runDir: string;
  simulator: Simulator;
  pollIntervalMs: number;
  env?: Record<string, string>;
}): Promise<Studio> {
  const port = await freePort(STUDIO_PORTS);
  const dataDir = path.join(options.runDir, options.name, "data");
  const uploadDir = path.join(options.runDir, options.name, "uploads");
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(uploadDir, { recursive: true });
  const env = cleanEnv({
    EVOLINK_API_KEY: options.simulator.key,
    EVOLINK_API_BASE: options.simulator.url,
    EVOLINK_FILES_BASE: options.simulator.url,
    DATA_DIR: dataDir,
    UPLOAD_TMP_DIR: uploadDir,
    UPLOAD_MAX_VIDEO_MB: "250",
    POLL_INTERVAL_MS: String(options.pollIntervalMs),
    // The benchmark is one client firing many requests; per-client budgets would turn it into a 429 test.
    RATE_LIMIT_GENERATE_PER_MIN: "1000000",
    RATE_LIMIT_UPLOAD_PER_MIN: "1000000",
    ...options.env,
  });
  // `npm start` as deployed (its node flags included); the copy is already built, so skip prestart's build.
  const proc = new Spawned(options.name, "npm", ["start", "--ignore-scripts"], {
    cwd: options.appDir,
    env: { ...env, PORT: String(port), HOST: "127.0.0.1" },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(`${url}/api/tasks`, 90_000, () => proc.deadReason());
  const rss = treeRssReader(proc.pid);
  let cpuTree = processTree(proc.pid);
  return {
    proc,
    url,
    dataDir,
    rss,
    cpuSeconds: () => {
      cpuTree = processTree(proc.pid);
      return treeCpuSeconds(cpuTree);
    },
  };
}

/** CPU seconds of the simulator's process tree (npx → tsx → node). */
export function simulatorCpuSeconds(simulator: Simulator): number {
  return treeCpuSeconds(processTree(simulator.proc.pid));
}

export interface ReferenceProxy {
  proc: Spawned;
  url: string;
}

/** The yardstick proxy (reference-proxy.ts) in front of `target`, on a simulator-range port. */
export async function startReferenceProxy(repoRoot: string, target: string): Promise<ReferenceProxy> {
  const port = await freePort(SIMULATOR_PORTS);
  const proc = new Spawned(
    "reference proxy",
    "npx",
    ["tsx", "tests/bench/reference-proxy.ts", "--port", String(port), "--target", target],
    {
      cwd: repoRoot,
      env: cleanEnv({}),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(`${url}/__sim/log`, 60_000, () => proc.deadReason());
  return { proc, url };
}
