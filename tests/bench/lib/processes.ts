/**
 * Processes the benchmark starts: each in its own process group, remembered in a registry, and killed
 * by that group's id on every path out (normal end, error, Ctrl-C, SIGTERM, watchdog). Never by name.
 */
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

export const STUDIO_PORTS = { min: 3300, max: 3399 } as const;
export const SIMULATOR_PORTS = { min: 4400, max: 4499 } as const;

const claimed = new Set<number>();

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free loopback port in [min, max], tried from a random start; never one this run already took. */
export async function freePort({ min, max }: { min: number; max: number }): Promise<number> {
  const span = max - min + 1;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i += 1) {
    const port = min + ((start + i) % span);
    if (claimed.has(port)) continue;
    if (await portIsFree(port)) {
      claimed.add(port);
      return port;
    }
  }
  throw new Error(`No free port in ${min}–${max}`);
}

const running = new Set<Spawned>();

export class Spawned {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  hasExited = false;
  exitCode: number | null = null;
  private output = "";

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: { cwd: string; env: NodeJS.ProcessEnv },
  ) {
    this.child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    running.add(this);
    const keep = (chunk: Buffer): void => {
      this.output += chunk.toString("utf8");
      if (this.output.length > 100_000) this.output = this.output.slice(-50_000);
    };
    this.child.stdout?.on("data", keep);
    this.child.stderr?.on("data", keep);
    this.exited = new Promise((resolve) => {
      this.child.once("exit", (code) => {
        this.hasExited = true;
        this.exitCode = code;
        resolve();
      });
      this.child.once("error", (error) => {
        this.output += `\n${error.message}`;
        this.hasExited = true;
        resolve();
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

  /** Why the process can no longer answer, or null while it runs. */
  deadReason(): string | null {
    return this.hasExited ? `${this.name} exited (code ${this.exitCode}):\n${this.output.slice(-4000)}` : null;
  }

  /** Kills the process group by its id (SIGTERM, then SIGKILL after `graceMs`) and waits for the exit. */
  async stop(graceMs = 3_000): Promise<void> {
    running.delete(this);
    const pid = this.child.pid;
    if (pid === undefined) return;
    signalGroup(pid, "SIGTERM");
    if (!this.hasExited) await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, graceMs))]);
    // Children may outlive the group leader for a moment; none may keep a port or a file.
    signalGroup(pid, "SIGKILL");
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/** Synchronous last resort for process exit: SIGKILL every group still registered. */
export function killAllSync(): void {
  for (const proc of running) {
    if (proc.child.pid !== undefined) signalGroup(proc.child.pid, "SIGKILL");
  }
  running.clear();
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}

let hooksInstalled = false;

/** Kills every started process group on exit, Ctrl-C, SIGTERM and crashes. */
export function installCleanupHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllSync);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping everything it started`);
      killAllSync();
      process.exit(130);
    });
  }
  process.on("uncaughtException", (error) => {
    console.error(error);
    killAllSync();
    process.exit(1);
  });
  process.on("unhandledRejection", (error) => {
    console.error(error);
    killAllSync();
    process.exit(1);
  });
}

/** Environment for a spawned server: the parent's, minus everything that would change its behaviour. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of Object.keys(env)) {
    if (
      /^(EVOLINK_|SIMULATOR_|RATE_LIMIT_|UPLOAD_|APP_PASSWORD$|SESSION_SECRET$|ALLOW_PUBLIC_WITHOUT_PASSWORD$|DATA_DIR$|ARCHIVE_DIR$|POLL_INTERVAL_MS$|PORT$|HOST$|HOSTNAME$|NODE_OPTIONS$|NODE_ENV$)/.test(
        name,
      )
    ) {
      delete env[name];
    }
  }
  return { ...env, ...extra };
}
