/**
 * A bounded structural check of an MP4/MOV (ISO BMFF) box tree, run before the demuxer sees the file.
 * The demuxer trusts the counts a file declares and allocates for them: one `stz2` box claiming 2³²−1
 * samples in a 9 kB file grows an array until V8 aborts the process. Here every box must fit its parent
 * and the file, every sample table must fit its box and stay under a sane cap, and the walk itself stops
 * after a fixed number of boxes. Only box headers and the index boxes (`moov`, `moof`) are read, which is
 * all the upload spool keeps of a video. Pure code: runs in the browser (Blob) and on the server alike.
 */
import { fail, parseHeader, readLeaf, type Header, type TrackScope } from "./box-fields";

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

export { BoxScanError } from "./box-fields";

export interface BoxSummary {
  /** Samples (frames) of the video tracks, from their sample tables and fragment runs. */
  videoSamples: number;
}

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

/** A ByteSource over a Blob (the browser's File), reading only the slices asked for. */
export function blobSource(blob: Blob): ByteSource {
  return {
    size: blob.size,
    read: async (offset, length) => new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer()),
  };
}
