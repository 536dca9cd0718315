import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAYLOAD_HEAD_BYTES, PayloadSkipper } from "@/lib/server/media/payload-skipper";
import { probeVideo } from "@/lib/media/probe";
import { ensureFixtures, fixturePath, type FixtureName } from "@/tests/fixtures/media-fixtures";

const MiB = 1024 * 1024;

function box(type: string, bodyBytes: number, fill = 0x41): Buffer {
  const out = Buffer.alloc(8 + bodyBytes, fill);
  out.writeUInt32BE(8 + bodyBytes, 0);
  out.write(type, 4, "latin1");
  return out;
}

function largeBox(type: string, bodyBytes: number): Buffer {
  const out = Buffer.alloc(16 + bodyBytes, 0x42);
  out.writeUInt32BE(1, 0);
  out.write(type, 4, "latin1");
  out.writeBigUInt64BE(BigInt(16 + bodyBytes), 8);
  return out;
}

/** Feeds `bytes` in pieces of the given sizes (cycled) and lays the kept parts out as a sparse file would. */
function spool(
  bytes: Buffer,
  pieceSizes: number[],
  skipper = new PayloadSkipper(),
): { file: Buffer; keptBytes: number } {
  const file = Buffer.alloc(bytes.length);
  let keptBytes = 0;
  for (let at = 0, i = 0; at < bytes.length; i += 1) {
    const piece = bytes.subarray(at, at + (pieceSizes[i % pieceSizes.length] as number));
    at += piece.length;
    for (const { position, data } of skipper.take(piece)) {
      data.copy(file, position);
      keptBytes += data.length;
    }
  }
  return { file, keptBytes };
}

const isZero = (bytes: Buffer) => bytes.every((byte) => byte === 0);
// Buffer.equals: a deep toEqual over megabytes takes seconds.
const expectSameBytes = (actual: Buffer, expected: Buffer) =>
  expect(actual.equals(expected), `${actual.length} vs ${expected.length} bytes differ`).toBe(true);

describe("PayloadSkipper", () => {
  const ftyp = box("ftyp", 16);
  const mdat = box("mdat", 3 * MiB, 0x55);
  const moov = box("moov", 1000, 0x66);
  const stream = Buffer.concat([ftyp, mdat, moov]);

  it.each([
    ["one piece", [stream.length]],
    ["1 MiB pieces", [MiB]],
    ["pieces that split every header", [3, 5, 7, 1, 65_536]],
  ])("keeps headers, the index and the first MiB of the payload, and skips the rest (%s)", (_label, sizes) => {
    const { file, keptBytes } = spool(stream, sizes);
    const mdatBody = ftyp.length + 8;
    expectSameBytes(file.subarray(0, mdatBody), stream.subarray(0, mdatBody));
    expectSameBytes(
      file.subarray(mdatBody, mdatBody + PAYLOAD_HEAD_BYTES),
      stream.subarray(mdatBody, mdatBody + PAYLOAD_HEAD_BYTES),
    );
    expect(isZero(file.subarray(mdatBody + PAYLOAD_HEAD_BYTES, ftyp.length + mdat.length))).toBe(true);
    expectSameBytes(file.subarray(ftyp.length + mdat.length), moov);
    expect(keptBytes).toBe(ftyp.length + 8 + PAYLOAD_HEAD_BYTES + moov.length);
  });

  it("follows a 64-bit box size past the payload to the index", () => {
    const big = largeBox("mdat", 2 * MiB + 17);
    const { file, keptBytes } = spool(Buffer.concat([ftyp, big, moov]), [4096, 9]);
    expectSameBytes(file.subarray(ftyp.length + big.length), moov);
    expect(keptBytes).toBe(ftyp.length + 16 + PAYLOAD_HEAD_BYTES + moov.length);
  });

  it("skips a payload box that runs to the end of the file (size 0) after its first MiB", () => {
    const open = box("mdat", 3 * MiB);
    open.writeUInt32BE(0, 0);
    const { keptBytes } = spool(Buffer.concat([ftyp, box("moov", 500), open]), [MiB]);
    expect(keptBytes).toBe(ftyp.length + 508 + 8 + PAYLOAD_HEAD_BYTES);
  });

  it("keeps every byte of something that is not a box stream", () => {
    const text = Buffer.from("These are my notes, not a video. ".repeat(100_000));
    const broken = Buffer.concat([ftyp, Buffer.from([0, 0, 0, 3, 0x6d, 0x64, 0x61, 0x74]), Buffer.alloc(2 * MiB, 7)]);
    for (const bytes of [text, broken]) {
      const { file, keptBytes } = spool(bytes, [65_536]);
      expect(keptBytes).toBe(bytes.length);
      expectSameBytes(file, bytes);
    }
  });

  // These clips carry their decoder records in the index, so not even the payload's first MiB is needed.
  describe("on real clips, the sparse file reads exactly like the original, without any payload bytes", () => {
    let dir: string;
    beforeAll(() => {
      ensureFixtures();
      dir = mkdtempSync(path.join(os.tmpdir(), "payload-skipper-"));
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each<FixtureName>(["bigClip", "goodMp4", "goodMov"])("%s", async (name) => {
      const original = readFileSync(fixturePath(name));
      const { file, keptBytes } = spool(original, [65_536, 1000, 300_000], new PayloadSkipper(0));
      const sparsePath = path.join(dir, `sparse-${name}`);
      writeFileSync(sparsePath, file);
      expect(await probeVideo(sparsePath, original.length)).toEqual(
        await probeVideo(fixturePath(name), original.length),
      );
      expect(keptBytes).toBeLessThan(original.length / 10);
    });
  });
});
