import "server-only";
import type { FileHandle } from "node:fs/promises";
import { PAYLOAD_HEAD_BYTES } from "../media/payload-skipper";
import type { ByteRange } from "../storage/storage";

/** Reads a range of the stored object (inclusive bounds, as in HTTP). */
export type RangeReader = (range: ByteRange) => Promise<ReadableStream<Uint8Array> | null>;

const SKIPPABLE = new Set(["mdat", "free", "skip"]);
// A real clip has a handful of top-level boxes; each one here costs a request to the bucket.
const MAX_TOP_LEVEL_BOXES = 1_000;
// An image's header (and its EXIF) sits in its first bytes; the checks read no more (check-file.ts).
const IMAGE_HEAD_BYTES = 512 * 1024;

/**
 * A sparse local copy of a stored upload holding only what its check reads, fetched with range reads: for a video,
 * every top-level box but the bulk of `mdat`/`free`/`skip` (their header and first MiB, as the streaming receiver
 * keeps: payload-skipper.ts); for an image, its first 512 KiB. The rest is a hole of the right length, so the
 * isolated probe and the image check read the copy exactly as they read a received upload. Bytes go to the disk
 * as they arrive (bounded memory whatever the object's size). Answers the bytes fetched.
 */
export async function spoolRanges(
  read: RangeReader,
  size: number,
  kind: "video" | "image",
  target: FileHandle,
): Promise<number> {
  let fetched = 0;
  const copy = async (start: number, end: number) => {
    if (end <= start) return;
    fetched += await copyRange(read, { start, end: end - 1 }, target);
  };
  if (kind === "image") await copy(0, Math.min(size, IMAGE_HEAD_BYTES));
  else {
    let offset = 0;
    for (let count = 0; offset < size; count += 1) {
      if (count >= MAX_TOP_LEVEL_BOXES) break;
      const box = await boxAt(read, offset, size);
      if (!box) {
        // Not boxes: kept whole, as the streaming receiver does, for the checks to refuse with their own words.
        await copy(offset, size);
        break;
      }
      const end = Math.min(size, offset + box.size);
      await copy(offset, SKIPPABLE.has(box.type) ? Math.min(end, offset + box.header + PAYLOAD_HEAD_BYTES) : end);
      offset = end;
    }
  }
  await target.truncate(size);
  return fetched;
}

/** The top-level box header at `offset`: its type, size and header length; null when it is not a box. */
async function boxAt(
  read: RangeReader,
  offset: number,
  size: number,
): Promise<{ type: string; size: number; header: number } | null> {
  const head = await bytes(read, { start: offset, end: Math.min(size, offset + 16) - 1 });
  if (head.length < 8) return null;
  const size32 = head.readUInt32BE(0);
  const type = head.toString("latin1", 4, 8);
  const header = size32 === 1 ? 16 : 8;
  if (size32 === 1 && head.length < 16) return null;
  const boxSize = size32 === 1 ? Number(head.readBigUInt64BE(8)) : size32 === 0 ? size - offset : size32;
  if (!/^[\x20-\x7e]{4}$/.test(type) || boxSize < header) return null;
  return { type, size: boxSize, header };
}

async function bytes(read: RangeReader, range: ByteRange): Promise<Buffer> {
  const body = await read(range);
  return body ? Buffer.from(await new Response(body).arrayBuffer()) : Buffer.alloc(0);
}

/** Writes a range of the object at its own offset in `target`, chunk by chunk as it arrives. */
async function copyRange(read: RangeReader, range: ByteRange, target: FileHandle): Promise<number> {
  const body = await read(range);
  if (!body) throw new Error("the stored upload went missing while it was checked");
  let position = range.start;
  const reader = body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    await target.write(chunk.value, 0, chunk.value.length, position);
    position += chunk.value.length;
  }
  return position - range.start;
}
