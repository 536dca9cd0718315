import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { CallbackLogEntry } from "../../lib/simulator/log";

/**
 * A private simulator + keyed studio pair for tests that need their own settings (task time, result
 * lifetime, a broken archive folder) or that stop and restart the studio. Each stack has its own
 * DATA_DIR under tests/.artifacts/; every process it starts runs in its own process group and is
 * stopped by that group's id, never by name.
 */

export const REPO_ROOT = path.join(__dirname, "..", "..");
export const ARTIFACTS_DIR = path.join(__dirname, "..", ".artifacts");
export const STACK_KEY = "sk-history-stack-5d1c0a9e7b3f";

// E2E_PORT_SHIFT moves these too, so two checkouts' stacks never probe the same ports.
const PORT_SHIFT = Number(process.env.E2E_PORT_SHIFT ?? 0);
export const APP_PORTS = { min: 3220 + PORT_SHIFT, max: 3299 + PORT_SHIFT };
export const SIM_PORTS = { min: 4320 + PORT_SHIFT, max: 4399 + PORT_SHIFT };
export const BUCKET_PORTS = { min: 5320 + PORT_SHIFT, max: 5399 + PORT_SHIFT };

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

const claimed = new Set<number>();

// Playwright workers running at once get disjoint slices of each range, so two of them never pick the
// same port in the moment between probing it and the server binding it.
const SLICES = 4;
const slice = Number(process.env.TEST_PARALLEL_INDEX ?? 0) % SLICES;

/** A free port in [min, max] (in this worker's slice), tried from a random start. */
export async function freePort({ min, max }: { min: number; max: number }): Promise<number> {
  const span = max - min + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i += 1) {
    const port = min + ((start + i) % span);
    if ((port - min) % SLICES !== slice) continue;
    if (claimed.has(port)) continue;
    if (await portIsFree(port)) {
      claimed.add(port);
      return port;
    }
  }
  throw new Error(`No free port in ${min}–${max}`);
}

/** A process started in its own group, with its output kept for error messages. */
export class Spawned {
  readonly child: ChildProcess;
  private output = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exitCode: number | null = null;
  hasExited = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(command, args, { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    const keep = (chunk: Buffer) => {
      this.output += chunk.toString("utf8");
      if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.hasExited = true;
        this.exitCode = code;
        resolve({ code, signal });
      });
    });
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} did not start`);
    return this.child.pid;
  }

  get log(): string {
    return this.output;
  }

  /** Kills the whole process group (npx → node → next-server) by its id, and waits for the exit. */
  async kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal);
    } catch {
      // The group is already gone.
    }
    if (!this.hasExited) {
      await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    }
    // Children of the group may outlive the leader for a moment; make sure none keep the port.
    try {
      process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
}

export async function waitUntilAnswers(url: string, proc: Spawned, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.hasExited)
      throw new Error(`${proc.name} exited (code ${proc.exitCode}) before answering:\n${proc.log.slice(-4000)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${proc.name} did not answer ${url} within ${timeoutMs} ms:\n${proc.log.slice(-4000)}`);
}

/** Environment for a spawned process: the parent's, minus anything that would point it elsewhere. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of [
    "EVOLINK_API_KEY",
    "EVOLINK_API_BASE",
    "EVOLINK_FILES_BASE",
    "DATA_DIR",
    "ARCHIVE_DIR",
    "UPLOAD_TMP_DIR",
    "POLL_INTERVAL_MS",
    "PUBLIC_BASE_URL",
    "APP_PASSWORD",
    "PORT",
    "SIMULATOR_TASK_SECONDS",
    "SIMULATOR_RESULT_TTL_SECONDS",
    "SIMULATOR_SLOW_MS",
    "SIMULATOR_HANG_MS",
    "SIMULATOR_CREDITS",
    "EVOLINK_CREATE_TIMEOUT_MS",
    "EVOLINK_GET_TIMEOUT_MS",
    "NODE_OPTIONS",
    "STORAGE_URL",
    "STORAGE_PUBLIC_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
  ]) {
    delete env[name];
  }
  return env;
}

/**
 * Spawns `next start` on `port` with `env` added; the caller waits or watches it exit. `viaNpx` runs it
 * exactly as a person would (`npx next start`); otherwise the same binary is run by node directly,
 * which skips npx's second or so of start-up. `host` is its -H (null: none, Next's every-interface default).
 */
export function spawnApp(
  name: string,
  port: number,
  env: Record<string, string>,
  { viaNpx = false, host = "127.0.0.1" as string | null } = {},
): Spawned {
  const args = ["start", "-p", String(port), ...(host === null ? [] : ["-H", host])];
  return viaNpx
    ? new Spawned(name, "npx", ["next", ...args], { ...baseEnv(), ...env })
    : new Spawned(name, process.execPath, [path.join(REPO_ROOT, "node_modules/next/dist/bin/next"), ...args], {
        ...baseEnv(),
        ...env,
      });
}

export interface StackOptions {
  /** Names the artifacts folder. */
  name: string;
  taskSeconds?: number;
  resultTtlSeconds?: number;
  /** SIMULATOR_SLOW_MS for the simulator's `[sim:slow]` scenario. */
  slowMs?: number;
  /** ARCHIVE_DIR for the app; unset means the default $DATA_DIR/videos. */
  archiveDir?: string;
  pollIntervalMs?: number;
  /** More environment for the app (PUBLIC_BASE_URL, APP_PASSWORD, EVOLINK_*_TIMEOUT_MS…). */
  appEnv?: Record<string, string>;
  /**
   * The simulator's `--callback-tunnel`: callbacks to the https origin `from` go to 127.0.0.1:`toPort`
   * instead (default: this stack's app), as a TLS-terminating tunnel in front of it would do.
   */
  callbackTunnel?: { from: string; toPort?: number };
  /** SIMULATOR_HANG_MS: how long the `*-timeout` scenarios hold a request before dropping it. */
  hangMs?: number;
}

/** Folders made by artifactDir() in this worker since the last removeArtifactDirs(). */
const madeDirs: string[] = [];

/** A fresh folder under tests/.artifacts/ for one stack or test. */
export function artifactDir(name: string): string {
  const dir = path.join(
    ARTIFACTS_DIR,
    `history-${name}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
  );
  mkdirSync(dir, { recursive: true });
  madeDirs.push(dir);
  return dir;
}

/** Removes the folders made so far (call after a passing test; a failing one keeps them to look at). */
export function removeArtifactDirs({ keep }: { keep: boolean }): void {
  for (const dir of madeDirs.splice(0)) {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

export class Stack {
  simulator: Spawned | null = null;
  app: Spawned | null = null;
  appPort = 0;
  simPort = 0;
  readonly root: string;
  readonly dataDir: string;
  readonly uploadDir: string;

  constructor(readonly options: StackOptions) {
    this.root = artifactDir(options.name);
    this.dataDir = path.join(this.root, "data");
    this.uploadDir = path.join(this.root, "uploads");
    mkdirSync(this.dataDir, { recursive: true });
    mkdirSync(this.uploadDir, { recursive: true });
  }

  get appUrl(): string {
    return `http://127.0.0.1:${this.appPort}`;
  }

  get simUrl(): string {
    return `http://127.0.0.1:${this.simPort}`;
  }

  /** Starts the simulator and the app and waits until both answer. */
  static async start(options: StackOptions): Promise<Stack> {
    const stack = new Stack(options);
    try {
      // The app only reads the simulator's address at start, so both can boot at once; the app's port is
      // picked first because the simulator's callback tunnel points at it.
      stack.simPort = await freePort(SIM_PORTS);
      stack.appPort = await freePort(APP_PORTS);
      await Promise.all([stack.startSimulator(), stack.startApp()]);
    } catch (error) {
      await stack.stop();
      throw error;
    }
    return stack;
  }

  /** `npx tsx lib/simulator/cli.ts …`, with tsx loaded into node directly. */
  private async startSimulator(): Promise<void> {
    const args = ["--import", "tsx", "lib/simulator/cli.ts", "--port", String(this.simPort), "--key", STACK_KEY];
    if (this.options.taskSeconds !== undefined) args.push("--task-seconds", String(this.options.taskSeconds));
    if (this.options.resultTtlSeconds !== undefined) args.push("--result-ttl", String(this.options.resultTtlSeconds));
    const tunnel = this.options.callbackTunnel;
    if (tunnel) args.push("--callback-tunnel", `${tunnel.from}=http://127.0.0.1:${tunnel.toPort ?? this.appPort}`);
    const env = baseEnv();
    if (this.options.slowMs !== undefined) env.SIMULATOR_SLOW_MS = String(this.options.slowMs);
    if (this.options.hangMs !== undefined) env.SIMULATOR_HANG_MS = String(this.options.hangMs);
    this.simulator = new Spawned(`simulator ${this.options.name}`, process.execPath, args, env);
    await waitUntilAnswers(`${this.simUrl}/__sim/log`, this.simulator, 30_000);
  }

  /** Starts (or starts again) the app on the same port with the same DATA_DIR. */
  async startApp(): Promise<void> {
    if (this.app && !this.app.hasExited) throw new Error("The app is still running");
    if (!this.appPort) this.appPort = await freePort(APP_PORTS);
    const env: Record<string, string> = {
      EVOLINK_API_KEY: STACK_KEY,
      EVOLINK_API_BASE: this.simUrl,
      EVOLINK_FILES_BASE: this.simUrl,
      DATA_DIR: this.dataDir,
      UPLOAD_TMP_DIR: this.uploadDir,
      POLL_INTERVAL_MS: String(this.options.pollIntervalMs ?? 500),
    };
    if (this.options.archiveDir) env.ARCHIVE_DIR = this.options.archiveDir;
    Object.assign(env, this.options.appEnv);
    this.app = spawnApp(`app ${this.options.name}`, this.appPort, env);
    await waitUntilAnswers(`${this.appUrl}/api/tasks`, this.app, 60_000);
  }

  /** Kills the app process (SIGKILL: like a crash or a pulled plug); DATA_DIR stays. */
  async stopApp(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
    await this.app?.kill(signal);
  }

  /** What the simulator received: creates (bodies, task ids), poll counts, and the callbacks it sent. */
  async simLog(): Promise<{
    creates: Array<{ body: { prompt?: string; callback_url?: string } | null; taskId: string | null; status: number }>;
    taskGets: Record<string, number>;
    resultGets: Record<string, number>;
    callbacks: CallbackLogEntry[];
  }> {
    const response = await fetch(`${this.simUrl}/__sim/log`);
    return response.json();
  }

  async stop(): Promise<void> {
    await this.app?.kill();
    await this.simulator?.kill();
  }
}

/**
 * A demo-mode studio on a store the test seeded into `root/data` before it starts, on a free port, answering.
 * The specs that need their own history (thousands of entries, groups, kept references) start theirs with this.
 */
export async function startSeededStudio(name: string, root: string): Promise<{ app: Spawned; url: string }> {
  const port = await freePort(APP_PORTS);
  const url = `http://127.0.0.1:${port}`;
  const app = spawnApp(name, port, {
    EVOLINK_API_KEY: "",
    DATA_DIR: path.join(root, "data"),
    UPLOAD_TMP_DIR: path.join(root, "uploads"),
  });
  await waitUntilAnswers(`${url}/api/tasks?limit=1`, app, 60_000);
  return { app, url };
}
