/**
 * Which production build the benchmark serves. Other suites may be running `next start` from the
 * repository's .next at the same time, so the benchmark never rebuilds it in place: it serves the
 * repository's build when that build is newer than every source file, and otherwise builds a copy of
 * the sources in the OS temp folder (cached by a hash of their contents). The copy lives outside the
 * repository so that neither `tsc` nor `next build` of the repository ever sees it, and its node_modules
 * is a tree of hard links (Turbopack refuses a node_modules symlink that leaves the project root).
 */
import { execFileSync, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Top-level entries that are not part of the app's build input. */
const NOT_SOURCES = new Set([
  "node_modules",
  ".next",
  ".git",
  ".ci",
  "tests",
  "test-results",
  "playwright-report",
  "data",
  "bench-results",
  "README.md",
]);

function isSource(name: string): boolean {
  return !NOT_SOURCES.has(name) && !name.endsWith(".tsbuildinfo") && !name.startsWith(".env");
}

/** Every file of the app's sources (top-level entries minus tests, outputs and dependencies). */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files.push(full);
    }
  };
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!isSource(entry.name)) continue;
    const full = path.join(root, entry.name);
    if (entry.isDirectory()) walk(full);
    else if (entry.isFile()) files.push(full);
  }
  return files.sort();
}

export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  for (const file of sourceFiles(root)) {
    hash.update(path.relative(root, file));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/** True when root/.next holds a finished build newer than every source file. */
export function repoBuildIsFresh(root: string): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return sourceFiles(root).every((file) => statSync(file).mtimeMs <= builtAt);
}

export interface BuildChoice {
  /** Folder to run `next start` in. */
  appDir: string;
  how: "repo .next (fresh)" | "isolated copy (cached)" | "isolated copy (built now)";
  buildSeconds: number | null;
}

function runBuild(cwd: string, timeoutMs: number, log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npx", ["next", "build"], {
      cwd,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString("utf8")).slice(-20_000);
    };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    const kill = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Gone.
      }
    };
    process.once("exit", kill);
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`next build did not finish within ${timeoutMs / 1000} s:\n${output}`));
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      process.off("exit", kill);
      if (code === 0) resolve();
      else reject(new Error(`next build failed (exit ${code}):\n${output}`));
    });
    log("next build running in the isolated copy…");
  });
}

/** Hard-links a tree (cp -al: instant, no space); a plain copy when the temp folder is on another device. */
function linkTree(from: string, to: string): void {
  try {
    execFileSync("cp", ["-al", from, to], { stdio: "ignore" });
  } catch {
    rmSync(to, { recursive: true, force: true });
    cpSync(from, to, { recursive: true, verbatimSymlinks: true });
  }
}

/**
 * mode "auto": the repository's build when fresh, else the isolated copy; "repo": the repository's
 * build whatever its age; "isolated": always the copy (rebuilt when the sources changed).
 */
export async function chooseBuild(
  root: string,
  cacheDir: string,
  mode: "auto" | "repo" | "isolated",
  log: (line: string) => void,
): Promise<BuildChoice> {
  if (mode === "repo" || (mode === "auto" && repoBuildIsFresh(root))) {
    if (!existsSync(path.join(root, ".next", "BUILD_ID")))
      throw new Error("There is no build in .next; run `npx next build` or use --build isolated.");
    return { appDir: root, how: "repo .next (fresh)", buildSeconds: null };
  }
  const hash = sourceHash(root);
  const stamp = path.join(cacheDir, ".source-hash");
  if (
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === hash &&
    existsSync(path.join(cacheDir, ".next", "BUILD_ID"))
  ) {
    return { appDir: cacheDir, how: "isolated copy (cached)", buildSeconds: null };
  }
  rmSync(cacheDir, { recursive: true, force: true });
  mkdirSync(cacheDir, { recursive: true });
  for (const entry of readdirSync(root)) {
    if (isSource(entry)) cpSync(path.join(root, entry), path.join(cacheDir, entry), { recursive: true });
  }
  linkTree(path.join(root, "node_modules"), path.join(cacheDir, "node_modules"));
  // The hash of what was copied (before next build rewrites next-env.d.ts): an edit made to the
  // repository during the build must trigger a rebuild next time.
  const copiedHash = sourceHash(cacheDir);
  const startedAt = Date.now();
  await runBuild(cacheDir, 10 * 60_000, log);
  writeFileSync(stamp, copiedHash);
  return { appDir: cacheDir, how: "isolated copy (built now)", buildSeconds: (Date.now() - startedAt) / 1000 };
}
