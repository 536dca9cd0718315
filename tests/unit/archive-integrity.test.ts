import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { archiveDir, archivePath, archiveTask } from "@/lib/server/tasks/archive";
import { wholeMp4Problem } from "@/lib/server/tasks/archive-check";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { deleteFromHistory } from "@/lib/server/tasks/history";
import { findTask, insertTask, type TaskRecord } from "@/lib/server/store/tasks";
import { ensureFixtures, fixturePath } from "@/tests/fixtures/media-fixtures";

const box = (type: string, payload: Buffer) => {
  const header = Buffer.alloc(8);
  header.writeUInt32BE(8 + payload.length, 0);
  header.write(type, 4, "latin1");
  return Buffer.concat([header, payload]);
};
/** A minimal MP4 as the tiling check sees it: ftyp, moov, then a 64 kB mdat. */
const MP4 = Buffer.concat([
  box("ftyp", Buffer.from("isom\0\0\0\0isom")),
  box("moov", Buffer.alloc(200, 1)),
  box("mdat", Buffer.alloc(64_000, 7)),
]);
/** Where the mdat starts. */
const BEFORE_MDAT = MP4.length - (8 + 64_000);

type Behaviour = { bytes: Buffer; sendBytes: number; contentLength: boolean; holdMs?: number };
let behaviour: Behaviour = { bytes: MP4, sendBytes: MP4.length, contentLength: false };
let server: net.Server;
let base = "";
const saved = { ...process.env };

/**
 * A raw HTTP/1.1 result server: without Content-Length the body is close-delimited, the one shape in
 * which a connection cut short looks, to the client, like a body that simply ended.
 */
beforeAll(async () => {
  server = net.createServer((socket) => {
    socket.once("data", () => {
      const { bytes, sendBytes, contentLength, holdMs } = behaviour;
      const head = `HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nConnection: close\r\n${contentLength ? `Content-Length: ${bytes.length}\r\n` : ""}\r\n`;
      socket.write(head);
      socket.write(bytes.subarray(0, Math.min(sendBytes, 1000)));
      setTimeout(() => socket.end(bytes.subarray(Math.min(sendBytes, 1000), sendBytes)), holdMs ?? 0);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  // Result links on the configured hosts are trusted, so the loopback fake passes the outbound guard.
  Object.assign(process.env, { EVOLINK_API_KEY: "sk-test-archive", EVOLINK_API_BASE: base, EVOLINK_FILES_BASE: base });
  process.env.ARCHIVE_DIR = path.join(mkdtempSync(path.join(os.tmpdir(), "archive-integrity-")), "videos");
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

let serial = 0;
async function completedTask(): Promise<TaskRecord> {
  serial += 1;
  const id = `task-unified-${Math.floor(Date.now() / 1000)}-${String(serial).padStart(8, "a")}`;
  return await insertTask(
    {
      id,
      request: { ...GENERATION_DEFAULTS, prompt: "a calm lake", videoUrl: "https://media.example.com/a.mp4" },
      createdAt: Date.now(),
      upstreamStatus: "completed",
      progress: 100,
      estimatedSeconds: null,
      creditsReserved: null,
      resultUrl: `${base}/results/${id}.mp4`,
      error: null,
    },
    null,
  );
}

describe("a result body that ends early is never archived as complete", () => {
  beforeEach(async () => {
    behaviour = { bytes: MP4, sendBytes: MP4.length, contentLength: false };
  });

  it("keeps a whole MP4 sent without Content-Length, private to the owner", async () => {
    const record = await completedTask();
    await archiveTask(record);
    const saved = (await findTask(record.id))!;
    expect(saved.archiveState).toBe("archived");
    expect(readFileSync(archivePath(record.id)).equals(MP4)).toBe(true);
    expect(statSync(archivePath(record.id)).mode & 0o777).toBe(0o600);
    expect(statSync(archiveDir()).mode & 0o777).toBe(0o700);
  });

  it("refuses a close-delimited body cut inside the mdat, and leaves no file", async () => {
    behaviour.sendBytes = MP4.length - 5_000;
    const record = await completedTask();
    await archiveTask(record);
    const failed = (await findTask(record.id))!;
    expect(failed.archiveState).toBe("failed");
    expect(failed.archiveError).toMatch(
      /not a whole MP4 \(the 'mdat' box at byte \d+ needs \d+ bytes but \d+ arrived\)/,
    );
    expect(existsSync(archivePath(record.id))).toBe(false);
    expect(existsSync(`${archivePath(record.id)}.part`)).toBe(false);
  });

  it("refuses a body with Content-Length whose connection closes early", async () => {
    behaviour = { bytes: MP4, sendBytes: 30_000, contentLength: true };
    const record = await completedTask();
    await archiveTask(record);
    const failed = (await findTask(record.id))!;
    expect(failed.archiveState).toBe("failed");
    expect(existsSync(archivePath(record.id))).toBe(false);
  });

  it("keeps a whole body with Content-Length", async () => {
    behaviour = { bytes: MP4, sendBytes: MP4.length, contentLength: true };
    const record = await completedTask();
    await archiveTask(record);
    expect((await findTask(record.id))!.archiveState).toBe("archived");
  });

  it("shows no server path when the archive folder cannot be made, and logs nothing of it to visitors", async () => {
    const blocker = path.join(mkdtempSync(path.join(os.tmpdir(), "archive-blocker-")), "file");
    writeFileSync(blocker, "x");
    const archiveHome = process.env.ARCHIVE_DIR;
    process.env.ARCHIVE_DIR = path.join(blocker, "videos");
    try {
      const record = await completedTask();
      await archiveTask(record);
      const failed = (await findTask(record.id))!;
      expect(failed.archiveState).toBe("failed");
      expect(failed.archiveError).toMatch(/^Could not save a copy: the archive folder is not a usable folder\./);
      expect(failed.archiveError).not.toContain(os.tmpdir());
      expect(failed.archiveError).not.toContain("/");
    } finally {
      process.env.ARCHIVE_DIR = archiveHome;
    }
  });
});

describe("deleting a task while its copy downloads", () => {
  it("cancels the copy, removes the files, and the copy never brings the file or the entry back", async () => {
    behaviour = { bytes: MP4, sendBytes: MP4.length, contentLength: false, holdMs: 1500 };
    const record = await completedTask();
    const copying = archiveTask(record);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await deleteFromHistory(record.id)).toBe("deleted");
    await copying;
    // An archive started afterwards from a stale record (the poller's) must not resurrect it either.
    behaviour.holdMs = 0;
    await archiveTask(record);
    expect(await findTask(record.id)).toBeUndefined();
    expect(existsSync(archivePath(record.id))).toBe(false);
    expect(existsSync(`${archivePath(record.id)}.part`)).toBe(false);
  });
});

describe("archive paths", () => {
  it.each(["../../x", "task-unified-1-abcdefgh/../../x", "/etc/passwd", "", "task-unified-123-ABCDEFGH"])(
    "refuses the id %j",
    (id) => {
      expect(() => archivePath(id)).toThrow(/malformed task id/);
    },
  );

  it("builds a path directly inside the archive folder for a well-formed id", async () => {
    expect(path.dirname(archivePath("task-unified-1757169743-abcd1234"))).toBe(archiveDir());
  });
});

describe("wholeMp4Problem", () => {
  async function problemOf(bytes: Buffer): Promise<string | null> {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "mp4-check-")), "f.mp4");
    writeFileSync(file, bytes);
    const handle = await open(file, "r");
    try {
      return await wholeMp4Problem(handle, bytes.length);
    } finally {
      await handle.close();
    }
  }

  it("accepts a real ffmpeg MP4 and the minimal one", async () => {
    ensureFixtures();
    expect(await problemOf(readFileSync(fixturePath("goodMp4")))).toBeNull();
    expect(await problemOf(MP4)).toBeNull();
  });

  it.each<[string, Buffer, RegExp]>([
    ["cut inside the mdat", MP4.subarray(0, MP4.length - 1), /'mdat' box .* needs/],
    ["cut inside a box header", MP4.subarray(0, BEFORE_MDAT + 4), /ends inside a box header/],
    ["bytes after the last box", Buffer.concat([MP4, Buffer.alloc(3)]), /ends inside a box header/],
    ["no moov", Buffer.concat([box("ftyp", Buffer.alloc(8)), box("mdat", Buffer.alloc(100))]), /no 'moov'/],
    ["no mdat", Buffer.concat([box("ftyp", Buffer.alloc(8)), box("moov", Buffer.alloc(100))]), /no 'mdat'/],
    [
      "a box smaller than its header",
      Buffer.concat([MP4, Buffer.from([0, 0, 0, 4, 0x66, 0x72, 0x65, 0x65])]),
      /impossible size/,
    ],
  ])("refuses a file with %s", async (_name, bytes, reason) => {
    expect(await problemOf(bytes)).toMatch(reason);
  });

  it("checks a 64-bit box size against the file", async () => {
    const large = Buffer.alloc(16);
    large.writeUInt32BE(1, 0);
    large.write("mdat", 4, "latin1");
    large.writeBigUInt64BE(BigInt(16 + 1000), 8);
    const head = MP4.subarray(0, BEFORE_MDAT);
    expect(await problemOf(Buffer.concat([head, large, Buffer.alloc(1000)]))).toBeNull();
    expect(await problemOf(Buffer.concat([head, large, Buffer.alloc(999)]))).toMatch(/'mdat' box .* needs/);
  });
});
