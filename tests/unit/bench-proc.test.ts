import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  measureRssPeak,
  parentMap,
  parseStat,
  parseVmRssBytes,
  processTree,
  treeCpuSeconds,
  treeRssBytes,
  treeRssReader,
} from "../bench/lib/proc";

const STATUS = (rssKb: number | null) =>
  [
    "Name:\tnext-server (v16)",
    "State:\tS (sleeping)",
    "VmPeak:\t 9999999 kB",
    ...(rssKb === null ? [] : [`VmRSS:\t  ${rssKb} kB`]),
    "Threads:\t11",
    "",
  ].join("\n");

function stat(pid: number, comm: string, ppid: number, utime = 0, stime = 0): string {
  const after = ["S", ppid, pid, pid, 0, -1, 4194560, 100, 0, 0, 0, utime, stime, 0, 0, 20, 0, 11, 0, 12345];
  return `${pid} (${comm}) ${after.join(" ")}\n`;
}

describe("bench /proc parsing", () => {
  it("reads VmRSS in bytes, and null for a process without one", () => {
    expect(parseVmRssBytes(STATUS(123_456))).toBe(123_456 * 1024);
    expect(parseVmRssBytes(STATUS(null))).toBeNull();
  });

  it("reads ppid and CPU ticks even when the command name has spaces and parentheses", () => {
    expect(parseStat(stat(42, "next-server (v16.4.6)", 7, 150, 25))).toEqual({
      pid: 42,
      ppid: 7,
      utime: 150,
      stime: 25,
    });
    expect(parseStat(stat(43, "a) b (c", 1, 1, 2))).toEqual({ pid: 43, ppid: 1, utime: 1, stime: 2 });
    expect(parseStat("garbage")).toBeNull();
  });
});

describe("bench process tree", () => {
  let proc: string;
  const add = (pid: number, ppid: number, rssKb: number | null, comm = "node", utime = 0, stime = 0) => {
    mkdirSync(path.join(proc, String(pid)), { recursive: true });
    writeFileSync(path.join(proc, String(pid), "stat"), stat(pid, comm, ppid, utime, stime));
    writeFileSync(path.join(proc, String(pid), "status"), STATUS(rssKb));
  };

  beforeEach(() => {
    proc = mkdtempSync(path.join(os.tmpdir(), "bench-proc-"));
    // npx (100) → sh (101) → next-server (102); 200 is someone else's; 300 an unrelated child of 1.
    add(1, 0, 1000, "init");
    add(100, 1, 60_000, "npm exec", 10, 5);
    add(101, 100, 1_000, "sh", 0, 0);
    add(102, 101, 150_000, "next-server (v16.4.6)", 300, 100);
    add(200, 1, 999_999, "chromium");
    add(300, 1, 5, "other");
    mkdirSync(path.join(proc, "self"));
    writeFileSync(path.join(proc, "uptime"), "1 1\n");
  });

  afterEach(() => rmSync(proc, { recursive: true, force: true }));

  it("finds a command's descendants and nothing else", () => {
    expect(parentMap(proc).get(102)).toBe(101);
    expect(processTree(100, proc)).toEqual([100, 101, 102]);
    expect(processTree(102, proc)).toEqual([102]);
  });

  it("sums RSS over the tree, counting vanished processes as 0", () => {
    expect(treeRssBytes([100, 101, 102], proc)).toBe((60_000 + 1_000 + 150_000) * 1024);
    expect(treeRssBytes([100, 999], proc)).toBe(60_000 * 1024);
  });

  it("sums CPU seconds over the tree", () => {
    expect(treeCpuSeconds([100, 101, 102], proc, 100)).toBeCloseTo(4.15, 10);
  });

  it("re-discovers the tree so a server forked later is counted", () => {
    const read = treeRssReader(100, proc, 2);
    const before = read();
    add(103, 102, 10_000);
    read(); // second read refreshes the tree
    expect(read() - before).toBe(10_000 * 1024);
  });
});

describe("bench RSS peak sampling", () => {
  it("reports the peak over a median baseline while the operation runs", async () => {
    let value = 100;
    const seen: number[] = [];
    const read = () => {
      seen.push(value);
      return value;
    };
    const { result, rss } = await measureRssPeak(
      read,
      async () => {
        value = 180;
        await new Promise((resolve) => setTimeout(resolve, 40));
        value = 250;
        await new Promise((resolve) => setTimeout(resolve, 40));
        value = 120;
        return "done";
      },
      { intervalMs: 5, baselineSamples: 3 },
    );
    expect(result).toBe("done");
    expect(rss.baselineBytes).toBe(100);
    expect(rss.peakBytes).toBe(250);
    expect(rss.growthBytes).toBe(150);
    expect(rss.samples).toBeGreaterThan(3);
    expect(seen.slice(0, 3)).toEqual([100, 100, 100]);
  });

  it("never reports negative growth and stops sampling after the operation", async () => {
    let reads = 0;
    let value = 500;
    const { rss } = await measureRssPeak(
      () => {
        reads += 1;
        return value;
      },
      async () => {
        value = 300;
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
      { intervalMs: 5, baselineSamples: 2 },
    );
    expect(rss.growthBytes).toBe(0);
    const after = reads;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads).toBe(after);
  });

  it("stops sampling when the operation throws", async () => {
    let reads = 0;
    await expect(
      measureRssPeak(
        () => {
          reads += 1;
          return 1;
        },
        async () => {
          throw new Error("boom");
        },
        { intervalMs: 5, baselineSamples: 1 },
      ),
    ).rejects.toThrow("boom");
    const after = reads;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(reads).toBe(after);
  });
});
