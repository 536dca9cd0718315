import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "@/lib/server/store/connection";
import { lockDataDir } from "@/lib/server/store/data-lock";
import { spoolDir, sweepStaleSpools } from "@/lib/server/uploads/spool";

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

const modeOf = (file: string) => statSync(file).mode & 0o777;

/** Another process holding the folder's lock the same way the studio does, until it is killed. */
async function otherStudioOn(folder: string): Promise<ChildProcess> {
  const script = `
    const Database = require("better-sqlite3");
    const lock = new Database(${JSON.stringify(path.join(folder, "studio.lock"))}, { timeout: 0 });
    lock.pragma("locking_mode = EXCLUSIVE");
    lock.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER); DELETE FROM holder;");
    require("node:fs").writeFileSync(${JSON.stringify(path.join(folder, "studio.lock.owner"))}, JSON.stringify({ pid: process.pid, host: "other-host", since: "then" }));
    console.log("locked");
    setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["-e", script], { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once("data", () => resolve());
    child.once("exit", (code) => reject(new Error(`lock holder exited ${code}`)));
  });
  return child;
}

describe("the data-folder lock", () => {
  it("refuses a second studio on the same folder, naming it and the holder, and is free again once the holder dies", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "lock-"));
    const other = await otherStudioOn(folder);
    expect(() => lockDataDir(folder)).toThrow(
      new RegExp(
        `Another studio is already running on the data folder ${folder} \\(process ${other.pid} on other-host, since then\\)\\. .*Stop the other one first, or give this one its own DATA_DIR\\.`,
      ),
    );
    other.kill("SIGKILL");
    await new Promise((resolve) => other.once("exit", resolve));
    // The operating system dropped the dead holder's lock: no stale lock file to clear by hand.
    expect(() => lockDataDir(folder)).not.toThrow();
    expect(modeOf(path.join(folder, "studio.lock.owner"))).toBe(0o600);
  });

  it("makes a missing data folder private to the owner", async () => {
    const folder = path.join(mkdtempSync(path.join(os.tmpdir(), "lock-new-")), "data");
    // This process already holds a lock (above): a fresh folder is checked through the database instead.
    await (await openStore({ engine: "sqlite", file: path.join(folder, "studio.sqlite") })).close();
    expect(modeOf(folder)).toBe(0o700);
  });
});

describe("database file modes", () => {
  it("creates the database and its -wal and -shm files readable by the owner only", async () => {
    const folder = path.join(mkdtempSync(path.join(os.tmpdir(), "db-modes-")), "data");
    const file = path.join(folder, "studio.sqlite");
    const db = await openStore({ engine: "sqlite", file });
    db.sqlite
      ?.prepare("INSERT INTO uploads (file_url, kind, original_name, created_at) VALUES ('u', 'image', 'a.png', 1)")
      .run();
    for (const own of [file, `${file}-wal`, `${file}-shm`]) expect([own, modeOf(own)]).toEqual([own, 0o600]);
    await db.close();
  });

  it("tightens a database made readable by others before this rule", async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), "db-old-"));
    const file = path.join(folder, "studio.sqlite");
    await (await openStore({ engine: "sqlite", file })).close();
    chmodSync(file, 0o644);
    await (await openStore({ engine: "sqlite", file })).close();
    expect(modeOf(file)).toBe(0o600);
  });
});

describe("the upload spool", () => {
  it("sweeps folders of studios that are gone (or had this pid before a restart), keeping live ones and its own", async () => {
    const base = mkdtempSync(path.join(os.tmpdir(), "spool-base-"));
    const savedBase = process.env.UPLOAD_TMP_DIR;
    process.env.UPLOAD_TMP_DIR = base;
    try {
      const own = spoolDir();
      mkdirSync(own, { recursive: true });
      const live = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
      children.push(live);
      const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
      await new Promise((resolve) => dead.once("exit", resolve));
      const folders = {
        dead: path.join(base, `${dead.pid}-0a1b2c3d4e5f`),
        previousSelf: path.join(base, `${process.pid}-ffffffffffff`),
        live: path.join(base, `${live.pid}-123456abcdef`),
        unrelated: path.join(base, "not-a-spool"),
      };
      for (const folder of Object.values(folders)) {
        mkdirSync(folder);
        writeFileSync(path.join(folder, "left.part"), "x");
      }
      sweepStaleSpools();
      expect(existsSync(folders.dead)).toBe(false);
      expect(existsSync(folders.previousSelf)).toBe(false);
      expect(existsSync(folders.live)).toBe(true);
      expect(existsSync(folders.unrelated)).toBe(true);
      expect(readdirSync(base).sort()).toEqual([path.basename(own), path.basename(folders.live), "not-a-spool"].sort());
      live.kill("SIGKILL");
    } finally {
      process.env.UPLOAD_TMP_DIR = savedBase;
    }
  });
});
