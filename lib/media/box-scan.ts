/**
 * A bounded structural check of an MP4/MOV (ISO BMFF) box tree, run before the demuxer sees the file.
 * The demuxer trusts the counts a file declares and allocates for them: one `stz2` box claiming 2³²−1
 * samples in a 9 kB file grows an array until V8 aborts the process. Here every box must fit its parent
 * and the file, every sample table must fit its box and stay under a sane cap, and the walk itself stops
 * after a fixed number of boxes. Only box headers and the index boxes (`moov`, `moof`) are read, which is
 * all the upload spool keeps of a video. Pure code: runs in the browser (Blob) and on the server alike.
 */

/** Random access to the file: a Blob in the browser, a file handle on the server. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

export const BOX_SCAN_LIMITS = {
  /** A progressive MP4 has under 100 boxes; a fragmented one about 7 per fragment (1,400 fragments). */
  maxBoxes: 10_000,
  /** The deepest real path is moov/trak/mdia/minf/stbl/stsz (6). */
  maxDepth: 12,
  /**
   * Entries in one sample table. The longest clip the rules accept (1 hour) at the highest frame rate
   * (60 fps) has 216,000 frames; AAC audio at 48 kHz about 169,000 packets. A million leaves room for
   * any real file while the demuxer's tables stay within tens of MB.
   */
  maxTableEntries: 1_000_000,
  /** Entries in all sample tables of the file together (an hour-long real file holds about 1.2 million). */
  maxTotalEntries: 4_000_000,
  /** Bytes of index (`moov`, `moof`) read into memory in all: an hour-long index is about 8 MB. */
  maxIndexBytes: 32 * 1024 * 1024,
};

export type BoxScanLimits = typeof BOX_SCAN_LIMITS;

/** A file whose structure the studio refuses to hand to the demuxer; the message is for the person who chose it. */
export class BoxScanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BoxScanError";
  }
}

export interface BoxSummary {
  /** Samples (frames) of the video tracks, from their sample tables and fragment runs. */
  videoSamples: number;
}

const EXPORT_AGAIN = "Export it again with a standard encoder (for example H.264 in MP4).";
const DAMAGED = `The video's structure is damaged or crafted, so the studio did not read it further. ${EXPORT_AGAIN}`;
const fail = (what: string): never => {
  throw new BoxScanError(`${what} ${DAMAGED}`);
};

// Boxes whose body is a list of boxes, which the demuxer descends into.
const CONTAINERS = new Set([
  "moov",
  "trak",
  "mdia",
  "minf",
  "stbl",
  "edts",
  "dinf",
  "mvex",
  "moof",
  "traf",
  "mfra",
  "sinf",
  "schi",
]);
const INDEXES = new Set(["moov", "moof"]);
// Sample tables: bytes before the entries (after the box header), bytes per entry.
const TABLES: Record<string, { head: number; entry: number }> = {
  stts: { head: 8, entry: 8 },
  ctts: { head: 8, entry: 8 },
  stsc: { head: 8, entry: 12 },
  stco: { head: 8, entry: 4 },
  co64: { head: 8, entry: 8 },
  stss: { head: 8, entry: 4 },
};

interface Header {
  type: string;
  start: number;
  headerSize: number;
  /** Total size, header included. */
  size: number;
}

/** Reads one box header at `start` within [start, end); refuses one that does not fit. */
function parseHeader(view: DataView, at: number, start: number, end: number, topLevel: boolean): Header {
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

/** Walks the box tree within the limits and answers what the rules need; throws BoxScanError on a refusal. */
export async function scanBoxes(source: ByteSource, limits: BoxScanLimits = BOX_SCAN_LIMITS): Promise<BoxSummary> {
  const state: ScanState = {
    boxes: 0,
    entries: 0,
    indexBytes: 0,
    limits,
    videoTracks: new Set(),
    samplesByTrack: new Map(),
  };
  const readHead = windowed(source, 64 * 1024);
  let offset = 0;
  while (source.size - offset >= 8) {
    const head = await readHead(offset, Math.min(16, source.size - offset));
    const header = parseHeader(
      new DataView(head.buffer, head.byteOffset, head.byteLength),
      0,
      offset,
      source.size,
      true,
    );
    count(state);
    if (INDEXES.has(header.type)) {
      const bodySize = header.size - header.headerSize;
      state.indexBytes += bodySize;
      if (state.indexBytes > limits.maxIndexBytes) {
        fail(`Its index boxes hold more than ${limits.maxIndexBytes / 1024 / 1024} MB, far more than any real clip.`);
      }
      const body = await source.read(offset + header.headerSize, bodySize);
      walkIndex(state, header, body);
    }
    offset += header.size;
  }
  let videoSamples = 0;
  for (const track of state.videoTracks) videoSamples += state.samplesByTrack.get(track) ?? 0;
  return { videoSamples };
}

/** Serves small reads from one cached window, so thousands of box headers cost a few reads, not thousands. */
function windowed(source: ByteSource, windowBytes: number): ByteSource["read"] {
  let start = 0;
  let bytes: Uint8Array = new Uint8Array(0);
  return async (offset, length) => {
    if (offset < start || offset + length > start + bytes.length) {
      start = offset;
      bytes = await source.read(offset, Math.min(windowBytes, source.size - offset));
    }
    return bytes.subarray(offset - start, offset - start + length);
  };
}

interface ScanState {
  boxes: number;
  entries: number;
  indexBytes: number;
  limits: BoxScanLimits;
  videoTracks: Set<number>;
  samplesByTrack: Map<number, number>;
}

function count(state: ScanState): void {
  state.boxes += 1;
  if (state.boxes > state.limits.maxBoxes) {
    fail(`It has more than ${state.limits.maxBoxes.toLocaleString("en")} boxes, far more than any real clip.`);
  }
}

/** What one `trak` or `traf` declares, gathered while walking it. */
interface TrackScope {
  trackId: number | null;
  video: boolean;
  samples: number;
}

/** Walks an index box held in memory: `body` is its content, `header` where it sits in the file. */
function walkIndex(state: ScanState, header: Header, body: Uint8Array): void {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const walk = (from: number, to: number, depth: number, scope: TrackScope | null) => {
    if (depth > state.limits.maxDepth) fail(`Its boxes are nested more than ${state.limits.maxDepth} deep.`);
    let at = from;
    // Fewer than 8 bytes left cannot hold a box; the demuxer ignores such padding too.
    while (to - at >= 8) {
      const fileAt = header.start + header.headerSize + at;
      const child = parseHeader(view, at, fileAt, fileAt + (to - at), false);
      count(state);
      const contentFrom = at + child.headerSize;
      const contentTo = at + child.size;
      if (child.type === "trak" || child.type === "traf") {
        const inner: TrackScope = { trackId: null, video: false, samples: 0 };
        walk(contentFrom, contentTo, depth + 1, inner);
        record(state, inner);
      } else if (CONTAINERS.has(child.type)) {
        walk(contentFrom, contentTo, depth + 1, scope);
      } else if (scope) {
        readLeaf(
          state,
          child.type,
          new DataView(body.buffer, body.byteOffset + contentFrom, contentTo - contentFrom),
          scope,
        );
      }
      at = contentTo;
    }
  };
  walk(0, body.length, 1, null);
}

function record(state: ScanState, scope: TrackScope): void {
  if (scope.trackId === null) return;
  if (scope.video) state.videoTracks.add(scope.trackId);
  state.samplesByTrack.set(scope.trackId, (state.samplesByTrack.get(scope.trackId) ?? 0) + scope.samples);
}

/** Checks the leaf boxes that declare counts (and notes the track's id and kind). */
function readLeaf(state: ScanState, type: string, content: DataView, scope: TrackScope): void {
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
  state: ScanState,
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

/** A ByteSource over a Blob (the browser's File), reading only the slices asked for. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}
