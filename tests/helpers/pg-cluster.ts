import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

/**
 * A throwaway PostgreSQL cluster for tests: `initdb` into a temporary folder, `pg_ctl` on a loopback port, removed
 * by stop(). initdb refuses to run as root, so as root the folder is given to the `postgres` user and both tools run
 * as that user (runuser). A machine without PostgreSQL fails here, loudly: the tests that need it never skip.
 */
export interface PgCluster {
  /** A superuser URL for the cluster's `postgres` database. */
  url: string;
  port: number;
  dir: string;
  /** Stops the server (fast shutdown: open connections are cut), keeping the folder. */
  pause(): void;
  /** Starts it again on the same port. */
  resume(): void;
  /** Stops it and removes its folder. */
  stop(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions
    .map((version) => path.join(root, version, "bin"))
    .find((dir) => existsSync(path.join(dir, "initdb")));
  if (!found)
    throw new Error(
      "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): the store's tests run against it. " +
        "Install Debian's `postgresql` package (.ci/run does).",
    );
  return found;
}

const asRoot = process.getuid?.() === 0;

function run(tool: string, args: string[]): void {
  const [command, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", tool, ...args]] : [tool, args];
  const result = spawnSync(command, argv, { encoding: "utf8", cwd: os.tmpdir() });
  if (result.status !== 0)
    throw new Error(`${path.basename(tool)} failed (${result.status}): ${result.stderr || result.stdout}`.trim());
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, "127.0.0.1", () => probe.close(() => resolve(true)));
  });
}

/** The first free port from 5300 + E2E_PORT_SHIFT (a helper's own range when it sets one). */
async function freePort(): Promise<number> {
  const base = 5300 + Number(process.env.E2E_PORT_SHIFT ?? 0);
  for (let port = base; port < base + 100; port++) if (await portFree(port)) return port;
  throw new Error(`no free port for PostgreSQL in ${base}-${base + 99}`);
}

export async function startPgCluster(): Promise<PgCluster> {
  const bin = binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), "studio-pg-"));
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const data = path.join(dir, "data");
  run(path.join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "-N"]);
  const port = await freePort();
  // Loopback only; the socket lives in the cluster's own folder. fsync off: nothing here must survive a crash.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = () =>
    run(path.join(bin, "pg_ctl"), ["-D", data, "-o", options, "-l", path.join(dir, "log"), "-w", "start"]);
  const halt = () => run(path.join(bin, "pg_ctl"), ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dir,
    pause: halt,
    resume: start,
    stop: () => {
      try {
        halt();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
