import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BOX_SCAN_LIMITS, BoxScanError, scanBoxes, type ByteSource } from "@/lib/media/box-scan";
import { demuxInChild, PROBE_LIMITS, probeVideoIsolated } from "@/lib/server/media/isolated-probe";
import { MediaProbeError, probeVideo } from "@/lib/media/probe";
import { VIDEO_RULES } from "@/lib/media/rules";
import { videoProblems } from "@/lib/media/checks";
import {
  emptyBoxesAround,
  find,
  fullBox,
  killerStz2,
  leaf,
  sampleClip,
  serialize,
  stszWith,
  videoStbl,
  withVideoTable,
  writeSparse,
  type Box,
} from "@/tests/fixtures/crafted-media";
import { ensureFixtures, fixturePath } from "@/tests/fixtures/media-fixtures";

const MAX_U32 = 0xffffffff;
let dir: string;

beforeAll(() => {
  ensureFixtures();
  dir = mkdtempSync(path.join(os.tmpdir(), "crafted-media-"));
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, bytes: Buffer): string {
  const file = path.join(dir, name);
  writeFileSync(file, bytes);
  return file;
}

/** Probes isolated, as the upload route does; answers the refusal and how long it took. */
async function refusal(file: string): Promise<{ error: MediaProbeError; ms: number }> {
  const started = performance.now();
  const error = await probeVideoIsolated(file, statSync(file).size).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MediaProbeError);
  return { error: error as MediaProbeError, ms: performance.now() - started };
}

async function expectRefused(file: string, message: RegExp): Promise<void> {
  const { error, ms } = await refusal(file);
  expect(error.kind).toBe("unreadable");
  expect(error.message).toMatch(message);
  expect(error.message).toMatch(/Export it again/);
  expect(ms).toBeLessThan(PROBE_LIMITS.timeoutMs);
}

const bufferSource = (bytes: Buffer): ByteSource => ({
  size: bytes.length,
  read: async (at, n) => bytes.subarray(at, at + n),
});
const ftyp = () => leaf("ftyp", Buffer.from("isom\0\0\0\0isomavc1", "latin1"));

describe("sample tables that cannot fit", () => {
  it("refuses the 9 kB stz2 killer (field size 0, 2³²−1 samples) in milliseconds, and this process survives", async () => {
    const bytes = killerStz2();
    expect(bytes.length).toBeLessThan(10_000);
    await expectRefused(save("killer.mp4", bytes), /'stz2' has a field size of 0 bits/);
  });

  it("refuses the same killer in the browser's path (a Blob) before the demuxer", async () => {
    const bytes = killerStz2();
    const error = await probeVideo(new Blob([new Uint8Array(bytes)]), bytes.length).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MediaProbeError);
    expect((error as MediaProbeError).message).toMatch(/field size of 0 bits/);
  });

  it("refuses an 8-bit stz2 claiming 2³²−1 samples in a 12-byte box", async () => {
    const stz2 = leaf("stz2", [0, 0, 0, 0, 0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff]);
    await expectRefused(
      save("stz2-8.mp4", withVideoTable("stz2", stz2)),
      /'stz2' declares 4,294,967,295 entries, which cannot fit/,
    );
  });

  it("refuses an stsz of per-sample sizes claiming 12 million entries in 12 bytes", async () => {
    const stsz = fullBox("stsz", [0, 12_000_000]);
    await expectRefused(
      save("stsz-lie.mp4", withVideoTable("stsz", stsz)),
      /'stsz' declares 12,000,000 entries, which cannot fit/,
    );
  });

  it("refuses a real table of 1.5 million samples (6 MB) as over the 1,000,000 cap", async () => {
    await expectRefused(
      save("stsz-big.mp4", withVideoTable("stsz", stszWith(1_500_000))),
      /lists 1,500,000 entries; the studio reads at most 1,000,000/,
    );
  });

  it("refuses a 12-million-entry table (a 48 MB index, written sparse) by the index size cap", async () => {
    const boxes = sampleClip();
    const stsz = fullBox("stsz", [0, 12_000_000]);
    stsz.zeros = 4 * 12_000_000;
    const stbl = videoStbl(boxes);
    stbl.children = (stbl.children ?? []).map((child) => (child.type === "stsz" ? stsz : child));
    const file = path.join(dir, "stsz-12m.mp4");
    expect(writeSparse(file, boxes)).toBeGreaterThan(48_000_000);
    await expectRefused(file, /index boxes hold more than 32 MB/);
  });

  // Each table's entry size: 8 bytes for stts, ctts, co64; 12 for stsc; 4 for stco, stss.
  it.each(["stts", "ctts", "stsc", "stco", "co64", "stss"])("refuses an %s claiming 2³²−1 entries", async (type) => {
    const table = fullBox(type, [MAX_U32]);
    await expectRefused(
      save(`${type}.mp4`, withVideoTable(type, table)),
      new RegExp(`'${type}' declares 4,294,967,295 entries`),
    );
  });

  it("refuses a fragment run (trun) claiming 2³²−1 samples, and one with no per-sample fields over the cap", async () => {
    const fragment = (flags: number, count: number): Buffer =>
      serialize([
        ftyp(),
        {
          type: "moof",
          children: [
            {
              type: "traf",
              children: [fullBox("tfhd", [1]), leaf("trun", [0, 0, flags >> 8, flags & 0xff, ...u32(count)])],
            },
          ],
        },
      ]);
    await expect(scanBoxes(bufferSource(fragment(0x300, MAX_U32)))).rejects.toThrow(
      /'trun' declares 4,294,967,295 entries/,
    );
    await expect(scanBoxes(bufferSource(fragment(0, 2_000_000)))).rejects.toThrow(/'trun' lists 2,000,000 entries/);
  });
});

const u32 = (value: number) => [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];

describe("box counts, nesting and sizes", () => {
  it("refuses 1.2 million empty top-level boxes after 10,000, in well under a second", async () => {
    const file = save("many-boxes.mp4", emptyBoxesAround(1_200_000));
    const { error, ms } = await refusal(file);
    expect(error.message).toMatch(/more than 10,000 boxes/);
    expect(ms).toBeLessThan(3_000);
  });

  it("refuses 20,000 boxes inside the moov index", async () => {
    const boxes = sampleClip();
    const moov = find(boxes, "moov");
    moov.children = [...(moov.children ?? []), ...Array.from({ length: 20_000 }, () => leaf("free"))];
    await expectRefused(save("moov-boxes.mp4", serialize(boxes)), /more than 10,000 boxes/);
  });

  it("refuses tracks nested 50 deep", async () => {
    const boxes = sampleClip();
    const moov = find(boxes, "moov");
    let nested: Box = leaf("free");
    for (let depth = 0; depth < 50; depth += 1) nested = { type: "trak", children: [nested] };
    moov.children = [...(moov.children ?? []), nested];
    await expectRefused(save("nested.mp4", serialize(boxes)), /nested more than 12 deep/);
  });

  it("refuses a top-level 64-bit size past the end of the file (2⁴⁰ and 2⁶⁴−1)", async () => {
    for (const declared of [2n ** 40n, 2n ** 64n - 1n]) {
      const boxes = sampleClip();
      Object.assign(find(boxes, "mdat"), { large: true, declaredSize: declared });
      await expectRefused(
        save("large-size.mp4", serialize(boxes)),
        /Box 'mdat' at byte \d+ declares \d+ bytes, but only \d+ remain in the file/,
      );
    }
  });

  it("refuses a 64-bit size inside moov that overflows its parent", async () => {
    const boxes = sampleClip();
    Object.assign(find(boxes, "stsz"), { large: true, declaredSize: 2n ** 33n });
    await expectRefused(save("child-large.mp4", serialize(boxes)), /Box 'stsz' .* remain in its parent box/);
  });

  it("refuses a box whose size is smaller than its own header", async () => {
    const boxes = sampleClip();
    Object.assign(find(boxes, "stts"), { declaredSize: 4n });
    await expectRefused(
      save("tiny-box.mp4", serialize(boxes)),
      /'stts' at byte \d+ declares 4 bytes, less than its own header/,
    );
  });

  it("refuses a file cut off inside its moov index as truncated", async () => {
    const bytes = serialize(sampleClip());
    await expectRefused(save("cut.mp4", bytes.subarray(0, 2_000)), /'moov' .* the file may be truncated/);
  });

  it("refuses a sample-table box shorter than its fixed fields", async () => {
    await expectRefused(
      save("short-stsz.mp4", withVideoTable("stsz", leaf("stsz", [0, 0, 0, 0]))),
      /'stsz' is shorter than its fixed fields/,
    );
  });

  it("stops at its own limits whatever the caller passes", async () => {
    const bytes = serialize([ftyp(), { type: "moov", children: [leaf("free"), leaf("free")] }]);
    await expect(scanBoxes(bufferSource(bytes), { ...BOX_SCAN_LIMITS, maxBoxes: 3 })).rejects.toBeInstanceOf(
      BoxScanError,
    );
    await expect(scanBoxes(bufferSource(bytes), { ...BOX_SCAN_LIMITS, maxBoxes: 4 })).resolves.toEqual({
      videoSamples: 0,
    });
  });
});

describe("durations the file cannot hold", () => {
  /** The sample clip with its 120 video frames stretched over `seconds` by one stts entry. */
  function stretched(seconds: number): Buffer {
    const boxes = sampleClip();
    const mdhd = find(find(boxes, "trak").children ?? [], "mdhd").body as Buffer;
    const timescale = mdhd.readUInt32BE(12);
    return withVideoTable("stts", fullBox("stts", [1, 120, Math.round((seconds * timescale) / 120)]), boxes);
  }

  it("refuses 120 frames claiming 10 minutes (fewer than one frame a second)", async () => {
    const file = save("stretched.mp4", stretched(600));
    const facts = await probeVideoIsolated(file, statSync(file).size);
    expect(facts.frameCount).toBe(120);
    expect(facts.durationSeconds).toBeGreaterThan(590);
    expect(videoProblems(facts, 100 * 1024 * 1024)).toContainEqual(
      expect.stringMatching(/lasts 60\d(\.\d)? s but holds only 120 frames/),
    );
  });

  it("refuses a claimed 400,000 s by the one-hour bound", async () => {
    const file = save("eternal.mp4", stretched(400_000));
    const facts = await probeVideoIsolated(file, statSync(file).size);
    expect(videoProblems(facts, 100 * 1024 * 1024)).toContainEqual(
      expect.stringMatching(/lasts 111 hours; the studio checks videos of at most 1 hour/),
    );
  });
});

describe("real clips still pass, with the same facts isolated as in process", () => {
  const clips = [
    path.join("lib", "simulator", "clips", "sample-16x9.mp4"),
    path.join("lib", "simulator", "clips", "sample-9x16.mp4"),
    path.join("lib", "simulator", "clips", "sample-1x1.mp4"),
  ];

  it.each(clips)("%s", async (clip) => {
    const size = statSync(clip).size;
    const isolated = await probeVideoIsolated(clip, size);
    expect(isolated).toEqual(await probeVideo(clip, size));
    expect(isolated.frameCount).toBe(120);
    expect(videoProblems(isolated, VIDEO_RULES.apiMaxBytes)).toEqual([]);
  });

  it.each(["goodMp4", "goodMov", "bigClip"] as const)("the %s fixture", async (name) => {
    const file = fixturePath(name);
    const facts = await probeVideoIsolated(file, statSync(file).size);
    expect(facts).toEqual(await probeVideo(file, statSync(file).size));
    expect(facts.frameCount).toBe(Math.round(facts.durationSeconds * facts.fps));
    expect(videoProblems(facts, VIDEO_RULES.apiMaxBytes)).toEqual([]);
  });
});

describe("the isolated probe's own limits", () => {
  const clip = path.join("lib", "simulator", "clips", "sample-16x9.mp4");

  it("a probe over its time limit is killed and refused as kind limit", async () => {
    const error = await probeVideoIsolated(clip, statSync(clip).size, { ...PROBE_LIMITS, timeoutMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      kind: "limit",
      message: expect.stringMatching(/took longer than 0.001 s.*Export it again/),
    });
  });

  it("a spare child, started after each probe, answers the next one (and the killer it took is not reused)", async () => {
    const spare = () =>
      (globalThis as { __spareProbe?: { child: { pid?: number; exitCode: number | null } } | null }).__spareProbe;
    const clip = path.join("lib", "simulator", "clips", "sample-16x9.mp4");
    await probeVideoIsolated(clip, statSync(clip).size);
    const first = spare()?.child;
    expect(first?.pid).toBeGreaterThan(0);
    expect((await probeVideoIsolated(clip, statSync(clip).size)).width).toBe(1280);
    // The spare did the work and is gone; a fresh one waits for the next probe.
    await expect.poll(() => first?.exitCode).not.toBeNull();
    expect(spare()?.child.pid).not.toBe(first?.pid);
    const killer = save("killer-via-spare.mp4", killerStz2());
    await expect(demuxInChild(killer, PROBE_LIMITS)).rejects.toMatchObject({ kind: "limit" });
    expect((await probeVideoIsolated(clip, statSync(clip).size)).height).toBe(720);
  });

  it("the killer handed straight to the demuxer (no box check) kills only the child, answered as kind limit", async () => {
    const file = save("killer-raw.mp4", killerStz2());
    const started = performance.now();
    const error = await demuxInChild(file, PROBE_LIMITS).catch((e: unknown) => e);
    expect(error).toMatchObject({
      kind: "limit",
      message: expect.stringMatching(/needed more than 192 MB of memory|took longer than 10 s/),
    });
    expect(performance.now() - started).toBeLessThan(PROBE_LIMITS.timeoutMs + 2_000);
  });

  it("a probe over its memory limit dies alone and is refused as kind limit", async () => {
    const file = save("heavy.mp4", withVideoTable("stsz", stszWith(900_000)));
    const error = await probeVideoIsolated(file, statSync(file).size, { ...PROBE_LIMITS, maxHeapMb: 8 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: "limit", message: expect.stringMatching(/needed more than 8 MB of memory/) });
    // The same file within the normal limit is read (the cap on tables is what keeps it small).
    expect((await probeVideoIsolated(file, statSync(file).size)).frameCount).toBe(900_000);
  });

  it("runs at most `concurrency` probes; a full queue is refused as busy, a waiting probe runs later", async () => {
    const size = statSync(clip).size;
    const limits = { ...PROBE_LIMITS, concurrency: 1, maxWaiting: 1 };
    const results = await Promise.allSettled([0, 1, 2].map(() => probeVideoIsolated(clip, size, limits)));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ kind: "busy" });
  });

  it("a probe that waits longer than maxWaitMs for a slot is refused as busy", async () => {
    const size = statSync(clip).size;
    const limits = { ...PROBE_LIMITS, concurrency: 1, maxWaitMs: 1 };
    const results = await Promise.allSettled([
      probeVideoIsolated(clip, size, limits),
      probeVideoIsolated(clip, size, limits),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected"]);
  });
});
