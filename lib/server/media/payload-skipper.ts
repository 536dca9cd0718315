import "server-only";

/**
 * Walks the top-level boxes of an MP4/MOV (ISO BMFF) byte stream as it arrives and says which bytes a
 * metadata reader needs. Everything is kept except the bulk of media payload boxes (`mdat`) and padding
 * (`free`, `skip`): the demuxer reads only box headers and the index (`moov`, `moof`) to get duration,
 * size and frame rate, so the upload check can spool a sparse temp file instead of 200 MB of frames.
 * The first MiB of each payload is kept for demuxers that read the first packet (codecs without a
 * decoder record in the index). Anything that does not parse as boxes is kept whole.
 */

export interface KeptSegment {
  /** Offset of `data` in the whole file. */
  position: number;
  data: Buffer;
}

const SKIPPABLE = new Set(["mdat", "free", "skip"]);
export const PAYLOAD_HEAD_BYTES = 1024 * 1024;

export class PayloadSkipper {
  constructor(private readonly payloadHeadBytes = PAYLOAD_HEAD_BYTES) {}

  private offset = 0;
  /** Start of the next top-level box header. */
  private boxStart = 0;
  private header: Buffer[] = [];
  private headerBytes = 0;
  /** Bytes before this offset belong to the current box's body. */
  private bodyEnd = 0;
  /** Body bytes before this offset are kept; the rest of the body is skipped. */
  private keepBodyUntil = 0;
  private keepEverything = false;

  /** Takes the next chunk of the stream; answers the parts of it to keep, with their file offsets. */
  take(chunk: Buffer): KeptSegment[] {
    const start = this.offset;
    const end = start + chunk.length;
    const kept: KeptSegment[] = [];
    const keep = (from: number, to: number) => {
      if (to <= from) return;
      const last = kept.at(-1);
      // Neighbouring ranges (a header and its kept body) go out as one write.
      if (last && last.position + last.data.length === from)
        last.data = chunk.subarray(last.position - start, to - start);
      else kept.push({ position: from, data: chunk.subarray(from - start, to - start) });
    };
    let at = start;
    while (at < end) {
      if (this.keepEverything) {
        keep(at, end);
        break;
      }
      if (at < this.bodyEnd) {
        const stop = Math.min(end, this.bodyEnd);
        keep(at, Math.min(stop, this.keepBodyUntil));
        at = stop;
        continue;
      }
      at = this.readHeader(chunk, at, start, end, keep);
    }
    this.offset = end;
    return kept;
  }

  /** Collects header bytes from `at`; once the header is whole, sets up its body. Answers where it stopped. */
  private readHeader(
    chunk: Buffer,
    at: number,
    start: number,
    end: number,
    keep: (from: number, to: number) => void,
  ): number {
    const wanted = this.headerBytes >= 8 && this.peekHeader().readUInt32BE(0) === 1 ? 16 : 8;
    const take = Math.min(end - at, wanted - this.headerBytes);
    this.header.push(chunk.subarray(at - start, at - start + take));
    this.headerBytes += take;
    keep(at, at + take);
    at += take;
    if (this.headerBytes < 8) return at;
    const header = this.peekHeader();
    const size32 = header.readUInt32BE(0);
    if (size32 === 1 && this.headerBytes < 16) return at;
    const type = header.toString("latin1", 4, 8);
    const headerLength = size32 === 1 ? 16 : 8;
    const size = size32 === 1 ? Number(header.readBigUInt64BE(8)) : size32 === 0 ? Infinity : size32;
    this.header = [];
    this.headerBytes = 0;
    if (!/^[\x20-\x7e]{4}$/.test(type) || size < headerLength) {
      this.keepEverything = true;
      return at;
    }
    const bodyStart = this.boxStart + headerLength;
    this.bodyEnd = this.boxStart + size;
    this.keepBodyUntil = SKIPPABLE.has(type) ? bodyStart + this.payloadHeadBytes : this.bodyEnd;
    this.boxStart = this.bodyEnd;
    return at;
  }

  private peekHeader(): Buffer {
    if (this.header.length > 1) this.header = [Buffer.concat(this.header)];
    return this.header[0] as Buffer;
  }
}
