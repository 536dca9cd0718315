/**
 * Process figures from Linux /proc: the process tree under a spawned command (npx → node → next-server),
 * its resident memory (VmRSS) and its CPU time, plus a sampler that records the peak RSS while a
 * measured operation runs. The /proc root is a parameter so the parsers are testable on fixture folders.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

/** VmRSS in bytes from the text of /proc/<pid>/status; null when the field is missing (a zombie). */
export function parseVmRssBytes(statusText: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB\s*$/m.exec(statusText);
  return match ? Number(match[1]) * 1024 : null;
}

export interface StatFields {
  pid: number;
  ppid: number;
  /** User and system CPU time in clock ticks. */
  utime: number;
  stime: number;
}

/**
 * The fields we need from /proc/<pid>/stat. The command name (field 2) is in parentheses and may itself
 * contain spaces and parentheses, so the rest is split after the *last* ")".
 */
export function parseStat(statText: string): StatFields | null {
  const open = statText.indexOf("(");
  const close = statText.lastIndexOf(")");
  if (open < 0 || close < open) return null;
  const pid = Number(statText.slice(0, open).trim());
  // After ")": state(3) ppid(4) pgrp(5) session(6) tty_nr(7) tpgid(8) flags(9) minflt(10) cminflt(11)
  // majflt(12) cmajflt(13) utime(14) stime(15) …
  const rest = statText
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![pid, ppid, utime, stime].every(Number.isFinite)) return null;
  return { pid, ppid, utime, stime };
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

/** Every live pid with its parent, read from <procRoot>/<pid>/stat. */
export function parentMap(procRoot = "/proc"): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync(procRoot)) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readText(path.join(procRoot, entry, "stat"));
    const fields = stat ? parseStat(stat) : null;
    if (fields) parents.set(fields.pid, fields.ppid);
  }
  return parents;
}

/** `root` and all its descendants (root first, then breadth-first). */
export function processTree(root: number, procRoot = "/proc"): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentMap(procRoot)) {
    const list = children.get(ppid) ?? [];
    list.push(pid);
    children.set(ppid, list);
  }
  const tree: number[] = [root];
  for (let i = 0; i < tree.length; i += 1) {
    for (const child of children.get(tree[i] as number) ?? []) if (!tree.includes(child)) tree.push(child);
  }
  return tree;
}

/** Sum of VmRSS over `pids` in bytes (processes that have gone count as 0). */
export function treeRssBytes(pids: readonly number[], procRoot = "/proc"): number {
  let total = 0;
  for (const pid of pids) {
    const status = readText(path.join(procRoot, String(pid), "status"));
    total += (status && parseVmRssBytes(status)) || 0;
  }
  return total;
}

/** Bytes `pids` have read through read() calls (files and sockets alike: /proc/<pid>/io's rchar), gone ones 0. */
export function treeReadBytes(pids: readonly number[], procRoot = "/proc"): number {
  let total = 0;
  for (const pid of pids) {
    const io = readText(path.join(procRoot, String(pid), "io"));
    total += Number(/^rchar:\s*(\d+)/m.exec(io ?? "")?.[1] ?? 0);
  }
  return total;
}

let clockTicks: number | null = null;

/** USER_HZ (`getconf CLK_TCK`), 100 on every mainstream Linux. */
export function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds used so far by `pids` (processes that have gone count as 0). */
export function treeCpuSeconds(
  pids: readonly number[],
  procRoot = "/proc",
  ticksPerSecond = clockTicksPerSecond(),
): number {
  let ticks = 0;
  for (const pid of pids) {
    const stat = readText(path.join(procRoot, String(pid), "stat"));
    const fields = stat ? parseStat(stat) : null;
    if (fields) ticks += fields.utime + fields.stime;
  }
  return ticks / ticksPerSecond;
}

export interface RssPeak {
  /** Median of the samples taken just before the operation started. */
  baselineBytes: number;
  /** Highest sample while the operation ran (and one more right after it ended). */
  peakBytes: number;
  /** peak − baseline, never below 0. */
  growthBytes: number;
  samples: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function middle(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Runs `operation` while sampling `readBytes` every `intervalMs`, after taking `baselineSamples`
 * samples (the same interval apart) to fix the baseline. Returns the operation's result and the peak
 * growth over the baseline.
 */
export async function measureRssPeak<T>(
  readBytes: () => number,
  operation: () => Promise<T>,
  { intervalMs = 50, baselineSamples = 5 }: { intervalMs?: number; baselineSamples?: number } = {},
): Promise<{ result: T; rss: RssPeak }> {
  const baseline: number[] = [];
  for (let i = 0; i < baselineSamples; i += 1) {
    baseline.push(readBytes());
    if (i < baselineSamples - 1) await sleep(intervalMs);
  }
  const baselineBytes = baseline.length ? middle(baseline) : readBytes();
  let peakBytes = baselineBytes;
  let samples = 0;
  const sample = (): void => {
    const value = readBytes();
    samples += 1;
    if (value > peakBytes) peakBytes = value;
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  try {
    const result = await operation();
    sample();
    return { result, rss: { baselineBytes, peakBytes, growthBytes: Math.max(0, peakBytes - baselineBytes), samples } };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Reads the RSS of a process tree, re-discovering the tree's members at every read by default: next start
 * forks its server after a moment, wrappers exit, and the studio starts short-lived children (the isolated
 * media probe) that a stale list would miss or count after they are gone.
 */
export function treeRssReader(rootPid: number, procRoot = "/proc", refreshEvery = 1): () => number {
  let pids = processTree(rootPid, procRoot);
  let reads = 0;
  return () => {
    reads += 1;
    if (reads % refreshEvery === 0) pids = processTree(rootPid, procRoot);
    return treeRssBytes(pids, procRoot);
  };
}
