import { createReadStream, mkdtempSync, statSync } from "node:fs";
import { open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { probeVideo } from "@/lib/media/probe";
import { spoolRanges } from "@/lib/server/uploads/ranged-spool";
import { ensureFixture, type FixtureName } from "../fixtures/media-fixtures";

// The direct upload's check reads only what the demuxer needs from the bucket: the sparse copy built from range
// reads must probe exactly like the whole file, while fetching a small part of a large one.

async function sparseCopy(
  name: FixtureName,
): Promise<{ original: string; copy: string; fetched: number; asked: number }> {
  const original = ensureFixture(name);
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), "ranged-spool-")), "copy.mp4");
  let asked = 0;
  const handle = await open(copy, "w");
  const fetched = await spoolRanges(
    async ({ start, end }) => {
      asked += 1;
      return Readable.toWeb(createReadStream(original, { start, end })) as ReadableStream<Uint8Array>;
    },
    statSync(original).size,
    "video",
    handle,
  );
  await handle.close();
  return { original, copy, fetched, asked };
}

describe("range reads for a stored upload's check", () => {
  it.each(["bigClip", "goodMp4", "goodMov"] as const)("%s: the sparse copy probes like the file", async (name) => {
    const { original, copy } = await sparseCopy(name);
    const size = statSync(original).size;
    expect(statSync(copy).size).toBe(size);
    expect(await probeVideo(copy, size)).toEqual(await probeVideo(original, size));
    await rm(path.dirname(copy), { recursive: true, force: true });
  });

  it("a 12 MB clip with its index at the end costs under 2 MiB and a handful of requests", async () => {
    const { original, copy, fetched, asked } = await sparseCopy("bigClip");
    expect(statSync(original).size).toBeGreaterThan(10 * 1024 * 1024);
    expect(fetched).toBeLessThan(2 * 1024 * 1024);
    expect(asked).toBeLessThan(12);
    await rm(path.dirname(copy), { recursive: true, force: true });
  });
});
