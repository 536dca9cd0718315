import "server-only";
import { randomBytes } from "node:crypto";
import { readdirSync, rmSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import path from "node:path";
import { finished, type Readable } from "node:stream";
import { config } from "../config";
import { PayloadSkipper, type KeptSegment } from "../media/payload-skipper";

// Both the disk and the file service take 1 MiB writes far more cheaply than the parser's ~64 KiB pieces.
const BATCH_BYTES = 1024 * 1024;
// The temp file may lag the network by this much, so a disk write never holds up the next read.
const DISK_LAG_BYTES = 8 * 1024 * 1024;

const globalForSpool = globalThis as typeof globalThis & { __spoolDirs?: Map<string, string> };
// One folder per base per process; the routes and the startup sweep share it through globalThis.
const spoolDirs = (globalForSpool.__spoolDirs ??= new Map());
const OWN_FOLDER = /^(\d+)-[0-9a-f]+$/;

function spoolBase(): string {
  return config().uploads.tmpBase;
}

/**
 * This process's private folder for upload temp files, `<UPLOAD_TMP_DIR or tmp/kling-studio-uploads>/
 * <pid>-<random>`: the caller makes it (mode 700) before use, and it is removed when the process exits.
 * A fixed shared folder would mix files of several studios and keep those of a killed one forever.
 */
export function spoolDir(): string {
  const base = spoolBase();
  let dir = spoolDirs.get(base);
  if (!dir) {
    dir = path.join(base, `${process.pid}-${randomBytes(6).toString("hex")}`);
    if (spoolDirs.size === 0) process.once("exit", removeSpoolDirs);
    spoolDirs.set(base, dir);
  }
  return dir;
}

function removeSpoolDirs(): void {
  for (const dir of spoolDirs.values()) rmSync(dir, { recursive: true, force: true });
}

/** Removes the spool folders of studios that are no longer running (their pid is gone, or is this process's). */
export function sweepStaleSpools(): void {
  const base = spoolBase();
  const own = spoolDirs.get(base);
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(OWN_FOLDER.exec(name)?.[1] ?? NaN);
    if (!Number.isInteger(pid) || path.join(base, name) === own) continue;
    // After a restart in a container the old studio often had this very pid.
    if (pid === process.pid || !isRunning(pid)) rmSync(path.join(base, name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as { code?: string }).code === "EPERM";
  }
}

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
