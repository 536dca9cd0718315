import "server-only";
import { open, type FileHandle } from "node:fs/promises";

// A real result has a handful of top-level boxes; past this the file is not one the studio should keep.
const MAX_TOP_LEVEL_BOXES = 10_000;

/**
 * Why a downloaded result is not a whole MP4, or null when it is: its top-level boxes must tile the
 * file exactly (a body cut short leaves the last box, usually the mdat, longer than what arrived), and
 * a `moov` and at least one `mdat` must be there. A box of size 0 runs to the end of the file by
 * definition, so only its being last can be checked.
 */
export async function wholeMp4Problem(handle: FileHandle, size: number): Promise<string | null> {
  const header = Buffer.alloc(16);
  const seen = new Set<string>();
  let offset = 0;
  for (let count = 0; offset < size; count += 1) {
    if (count >= MAX_TOP_LEVEL_BOXES) return `it has more than ${MAX_TOP_LEVEL_BOXES} top-level boxes`;
    if (size - offset < 8) return `it ends inside a box header at byte ${offset}`;
    const { bytesRead } = await handle.read(header, 0, 16, offset);
    const type = header.toString("latin1", 4, 8);
    let boxSize = header.readUInt32BE(0);
    let headerSize = 8;
    if (boxSize === 1) {
      if (bytesRead < 16) return `it ends inside the '${type}' box header at byte ${offset}`;
      boxSize = Number(header.readBigUInt64BE(8));
      headerSize = 16;
    } else if (boxSize === 0) {
      boxSize = size - offset;
    }
    if (boxSize < headerSize) return `the '${type}' box at byte ${offset} has an impossible size`;
    if (offset + boxSize > size)
      return `the '${type}' box at byte ${offset} needs ${offset + boxSize} bytes but ${size} arrived`;
    seen.add(type);
    offset += boxSize;
  }
  if (!seen.has("moov")) return "it has no 'moov' box";
  if (!seen.has("mdat")) return "it has no 'mdat' box";
  return null;
}

/** A copy that must not be kept; the message is safe to show (no server paths). */
export class IncompleteCopy extends Error {}

/** The copy's size once it is known whole: the announced length when there is one, else a complete MP4. */
export async function checkWhole(partial: string, contentLength: string | null): Promise<number> {
  const handle = await open(partial, "r");
  try {
    const { size } = await handle.stat();
    const announced = Number(contentLength);
    if (size === 0 || (announced > 0 && size !== announced)) {
      throw new IncompleteCopy(`the copy is incomplete (${size} of ${announced || "?"} bytes)`);
    }
    if (!(announced > 0)) {
      const problem = await wholeMp4Problem(handle, size);
      if (problem)
        throw new IncompleteCopy(`the copy is not a whole MP4 (${problem}); the download was probably cut short`);
    }
    return size;
  } finally {
    await handle.close();
  }
}
