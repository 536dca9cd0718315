/**
 * Reading one box of the tree box-scan.ts walks: its header, and the counts its fields declare, each checked
 * against the box it sits in and the scan's caps before the demuxer would allocate for it.
 */

/** A file whose structure the studio refuses to hand to the demuxer; the message is for the person who chose it. */
export class BoxScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BoxScanError";
  }
}

const EXPORT_AGAIN = "Export it again with a standard encoder (for example H.264 in MP4).";
const DAMAGED = `The video's structure is damaged or crafted, so the studio did not read it further. ${EXPORT_AGAIN}`;
export const fail = (what: string): never => {
  throw new BoxScanError(`${what} ${DAMAGED}`);
};

/** What the table checks need of the scan: the entries counted so far and the caps. */
export interface EntryBudget {
  entries: number;
  limits: { maxTableEntries: number; maxTotalEntries: number };
}

// Sample tables: bytes before the entries (after the box header), bytes per entry.
const TABLES: Record<string, { head: number; entry: number }> = {
  stts: { head: 8, entry: 8 },
  ctts: { head: 8, entry: 8 },
  stsc: { head: 8, entry: 12 },
  stco: { head: 8, entry: 4 },
  co64: { head: 8, entry: 8 },
  stss: { head: 8, entry: 4 },
};

export interface Header {
  type: string;
  start: number;
  headerSize: number;
  /** Total size, header included. */
  size: number;
}

/** Reads one box header at `start` within [start, end); refuses one that does not fit. */
export function parseHeader(view: DataView, at: number, start: number, end: number, topLevel: boolean): Header {
  if (end - start < 8) fail(`A box header at byte ${start} is cut off.`);
  const size32 = view.getUint32(at);
  const type = String.fromCharCode(
    view.getUint8(at + 4),
    view.getUint8(at + 5),
    view.getUint8(at + 6),
    view.getUint8(at + 7),
  );
  let size = size32;
  let headerSize = 8;
  if (size32 === 1) {
    if (end - start < 16) fail(`The header of box '${printable(type)}' at byte ${start} is cut off.`);
    const big = view.getBigUint64(at + 8);
    size = big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
    headerSize = 16;
  } else if (size32 === 0 && topLevel) {
    // Size 0 means "to the end of the file", allowed for the last top-level box.
    size = end - start;
  }
  if (size < headerSize)
    fail(`Box '${printable(type)}' at byte ${start} declares ${size} bytes, less than its own header.`);
  if (size > end - start) {
    fail(
      `Box '${printable(type)}' at byte ${start} declares ${size} bytes, but only ${end - start} remain ${topLevel ? "in the file" : "in its parent box"}: the file may be truncated.`,
    );
  }
  return { type, start, headerSize, size };
}

const printable = (type: string) => type.replace(/[^\x20-\x7e]/g, "?");

/** What one `trak` or `traf` declares, gathered while walking it. */
export interface TrackScope {
  trackId: number | null;
  video: boolean;
  samples: number;
}

/** Checks the leaf boxes that declare counts (and notes the track's id and kind). */
export function readLeaf(state: EntryBudget, type: string, content: DataView, scope: TrackScope): void {
  const need = (bytes: number) => {
    if (content.byteLength < bytes) fail(`Box '${type}' is shorter than its fixed fields.`);
  };
  switch (type) {
    case "tkhd": {
      need(4);
      const idAt = content.getUint8(0) === 1 ? 20 : 12;
      need(idAt + 4);
      scope.trackId = content.getUint32(idAt);
      return;
    }
    case "tfhd":
      need(8);
      scope.trackId = content.getUint32(4);
      return;
    case "hdlr":
      need(12);
      // QuickTime also has a data handler (subtype 'alis' or 'url ') in minf; only the media handler says 'vide'.
      if (content.getUint32(8) === 0x76696465) scope.video = true;
      return;
    case "stsz": {
      need(12);
      const sampleSize = content.getUint32(4);
      const samples = content.getUint32(8);
      // A constant sample size needs no table; otherwise each sample has a 4-byte entry.
      if (sampleSize === 0) table(state, type, samples, 12, 4, content.byteLength);
      scope.samples += samples;
      return;
    }
    case "stz2": {
      need(12);
      const fieldBits = content.getUint8(7);
      if (fieldBits !== 4 && fieldBits !== 8 && fieldBits !== 16)
        fail(`Box 'stz2' has a field size of ${fieldBits} bits; only 4, 8 or 16 are valid.`);
      const samples = content.getUint32(8);
      table(state, type, samples, 12, fieldBits / 8, content.byteLength);
      scope.samples += samples;
      return;
    }
    case "trun": {
      need(8);
      const flags = content.getUint32(0) & 0xffffff;
      const samples = content.getUint32(4);
      const head = 8 + (flags & 0x1 ? 4 : 0) + (flags & 0x4 ? 4 : 0);
      const perSample = 4 * [0x100, 0x200, 0x400, 0x800].filter((bit) => flags & bit).length;
      table(state, type, samples, head, perSample, content.byteLength);
      scope.samples += samples;
      return;
    }
    default: {
      const layout = TABLES[type];
      if (!layout) return;
      need(layout.head);
      table(state, type, content.getUint32(4), layout.head, layout.entry, content.byteLength);
    }
  }
}

/** Refuses a table whose declared entries cannot fit its box, or exceed the caps. */
function table(
  state: EntryBudget,
  type: string,
  entries: number,
  head: number,
  entryBytes: number,
  available: number,
): void {
  const { maxTableEntries, maxTotalEntries } = state.limits;
  if (head + Math.ceil(entries * entryBytes) > available) {
    fail(`Box '${type}' declares ${entries.toLocaleString("en")} entries, which cannot fit in its ${available} bytes.`);
  }
  if (entries > maxTableEntries) {
    fail(
      `Box '${type}' lists ${entries.toLocaleString("en")} entries; the studio reads at most ${maxTableEntries.toLocaleString("en")} (over an hour of video).`,
    );
  }
  state.entries += entries;
  if (state.entries > maxTotalEntries) {
    fail(`Its sample tables list more than ${maxTotalEntries.toLocaleString("en")} entries in all.`);
  }
}
