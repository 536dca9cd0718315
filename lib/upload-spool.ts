import "server-only";
import type { FileHandle } from "node:fs/promises";
import { finished, type Readable } from "node:stream";
import { PayloadSkipper, type KeptSegment } from "./media/payload-skipper";

// Both the disk and the file service take 1 MiB writes far more cheaply than the parser's ~64 KiB pieces.
const BATCH_BYTES = 1024 * 1024;
// The temp file may lag the network by this much, so a disk write never holds up the next read.
const DISK_LAG_BYTES = 8 * 1024 * 1024;

/**
 * Copies an uploaded file part on to the file service in 1 MiB batches and into a temp file for the
 * content check. A video's temp file is sparse: only what the demuxer reads (box headers, the index)
 * is written, at its real offset, so 200 MB of frames never touch the disk. Waits only when the file
 * service pushes back or the disk falls 8 MiB behind. Answers the number of bytes received.
 */
export function spoolAndForward(
  file: Readable,
  target: FileHandle,
  forward: (data: Buffer) => Promise<void>,
  sparse: boolean,
): Promise<number> {
  const disk = new PositionedWriter(target);
  const skipper = sparse ? new PayloadSkipper() : null;
  let size = 0;
  let batch: Buffer[] = [];
  let batchBytes = 0;
  let flushing: Promise<void> = Promise.resolve();
  const flush = async () => {
    const data = Buffer.concat(batch, batchBytes);
    batch = [];
    batchBytes = 0;
    const segments = skipper ? skipper.take(data) : [{ position: size - data.length, data }];
    await Promise.all([disk.write(segments), forward(data)]);
  };
  return new Promise<number>((resolve, reject) => {
    let failed = false;
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      file.off("data", take);
      reject(error);
    };
    // 'data' events hand over the parser's chunks as they are; an async iterator would concatenate
    // whatever is buffered into a new Buffer first: a second copy of every byte.
    const take = (chunk: Buffer) => {
      size += chunk.length;
      batch.push(chunk);
      batchBytes += chunk.length;
      if (batchBytes < BATCH_BYTES) return;
      file.pause();
      flushing = flush();
      flushing.then(() => failed || file.resume(), fail);
    };
    file.on("data", take);
    finished(file, (error) => {
      if (error) return fail(error);
      const rest = async () => {
        await flushing;
        if (batchBytes > 0) await flush();
        await disk.settle();
        // The skipped payload becomes a hole: the file has its real length and reads as zeros there.
        await target.truncate(size);
        return size;
      };
      rest().then(resolve, fail);
    });
  });
}

/** Positioned writes to one handle, several in flight, holding the caller back past DISK_LAG_BYTES. */
class PositionedWriter {
  private readonly inFlight = new Set<Promise<void>>();
  private inFlightBytes = 0;
  private failure: Error | null = null;

  constructor(private readonly handle: FileHandle) {}

  async write(segments: KeptSegment[]): Promise<void> {
    for (const { position, data } of segments) {
      this.inFlightBytes += data.length;
      const tracked: Promise<void> = this.handle
        .write(data, 0, data.length, position)
        .then(
          () => undefined,
          (error: Error) => void (this.failure ??= error),
        )
        .finally(() => {
          this.inFlight.delete(tracked);
          this.inFlightBytes -= data.length;
        });
      this.inFlight.add(tracked);
    }
    while (this.inFlightBytes > DISK_LAG_BYTES) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  async settle(): Promise<void> {
    await Promise.all(this.inFlight);
    this.throwIfFailed();
  }
}
