import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archivePath } from "@/lib/server/tasks/archive";
import { streamResult } from "@/lib/server/tasks/result-stream";
import type { TaskRecord } from "@/lib/server/store/tasks";
import { openFilesUnder } from "./open-files";

const MiB = 1024 * 1024;
let dir: string;
let savedArchiveDir: string | undefined;
// Not a multiple of the 1 MiB read size, so the last read is a short one.
const content = randomBytes(3 * MiB + 12_345);

function archived(id: string, bytes: Buffer): TaskRecord {
  writeFileSync(archivePath(id), bytes);
  return { id, archiveState: "archived", resultUrl: null, request: { prompt: "a calm lake" } } as unknown as TaskRecord;
}

async function fetchArchived(record: TaskRecord, range: string | null): Promise<Response> {
  const result = await streamResult(record, { range, download: false, signal: new AbortController().signal });
  if (!result.ok) throw new Error(`no stream: ${result.reason}`);
  return result.response;
}

beforeAll(() => {
  savedArchiveDir = process.env.ARCHIVE_DIR;
  dir = mkdtempSync(path.join(os.tmpdir(), "result-stream-"));
  process.env.ARCHIVE_DIR = dir;
  mkdirSync(dir, { recursive: true });
});

afterAll(() => {
  if (savedArchiveDir === undefined) delete process.env.ARCHIVE_DIR;
  else process.env.ARCHIVE_DIR = savedArchiveDir;
  rmSync(dir, { recursive: true, force: true });
});

describe("streaming an archived result", () => {
  it("sends the whole file byte for byte, and closes it afterwards", async () => {
    const response = await fetchArchived(archived("task-unified-1757169743-wholexxx", content), null);
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    expect(openFilesUnder(dir)).toEqual([]);
  });

  it.each([
    ["across a read boundary", "bytes=1048570-2097160", 1_048_570, 2_097_160],
    ["the last bytes", "bytes=-100", content.length - 100, content.length - 1],
    ["one byte", "bytes=0-0", 0, 0],
    ["from an offset to the end", `bytes=${2 * MiB + 1}-`, 2 * MiB + 1, content.length - 1],
  ])("answers a Range request (%s) with exactly those bytes", async (_label, range, start, end) => {
    const response = await fetchArchived(archived("task-unified-1757169743-rangexxx", content), range);
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${content.length}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(content.subarray(start, end + 1))).toBe(true);
  });

  it("answers 416 for a range past the end", async () => {
    const response = await fetchArchived(
      archived("task-unified-1757169743-pastxxxx", content),
      `bytes=${content.length + 10}-`,
    );
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${content.length}`);
  });

  it("sends an empty body for an empty file", async () => {
    const response = await fetchArchived(archived("task-unified-1757169743-emptyxxx", Buffer.alloc(0)), null);
    expect(response.status).toBe(200);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it("closes the file when the reader stops half way (a player seeking elsewhere)", async () => {
    const response = await fetchArchived(archived("task-unified-1757169743-cancelxx", content), null);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBeGreaterThan(0);
    expect(openFilesUnder(dir)).toHaveLength(1);
    await reader.cancel();
    await expect.poll(() => openFilesUnder(dir)).toEqual([]);
  });
});
