import "server-only";
import { open, opendir, stat } from "node:fs/promises";
import path from "node:path";
import { paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { sniffMediaType } from "../../media/probe";
import type { S3Storage } from "../storage/s3";

/** A file of the archive folder, under the storage key the studio gives it (its name: lib/server/tasks/archive.ts). */
interface ArchivedFile {
  key: string;
  file: string;
  size: number;
}

export interface FileTally {
  copied: number;
  /** Of the copied, those whose object was there with another size (a copy cut short elsewhere) and was replaced. */
  replaced: number;
  skipped: number;
  bytes: number;
}

export interface FileCheck {
  files: number;
  /** Files whose object is missing or of another size, and the first few keys. */
  wrong: number;
  examples: string[];
}

const EXAMPLES = 5;
// A few requests in flight hide the bucket's latency; each streams from its file, so memory stays small.
const PARALLEL = 4;

/**
 * The kept files of the archive folder, read as the folder is listed (never the whole listing at once): results,
 * posters, kept references and their thumbnails. Staging files (`.part`) and hidden ones are not the studio's.
 */
async function* archivedFiles(folder: string): AsyncGenerator<ArchivedFile> {
  const listing = await opendir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw error;
  });
  if (!listing) return;
  for await (const entry of listing) {
    if (!entry.isFile() || entry.name.startsWith(".") || entry.name.endsWith(".part")) continue;
    const file = path.join(folder, entry.name);
    yield { key: entry.name, file, size: (await stat(file)).size };
  }
}

async function eachInParallel<T>(items: AsyncIterable<T>, work: (item: T) => Promise<void>): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  const worker = async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) await work(next.value);
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/**
 * The size of every object under the bucket's prefix, from its listing (a thousand a request, where asking for each
 * object would cost one request per file): keys and sizes only.
 */
async function objectSizes(bucket: S3Storage): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const prefix = bucket.objectKey("");
  const pages = paginateListObjectsV2({ client: bucket.client }, { Bucket: bucket.settings.bucket, Prefix: prefix });
  for await (const page of pages)
    for (const item of page.Contents ?? []) if (item.Key) sizes.set(item.Key.slice(prefix.length), item.Size ?? 0);
  return sizes;
}

/** The type a kept file is stored with: by its name where the studio names it, else from its first bytes. */
async function contentType(item: ArchivedFile): Promise<string> {
  if (item.key.endsWith(".mp4")) return "video/mp4";
  if (item.key.endsWith(".jpg")) return "image/jpeg";
  const handle = await open(item.file, "r");
  try {
    const head = Buffer.alloc(16);
    await handle.read(head, 0, head.length, 0);
    return sniffMediaType(head, "image")?.mime ?? "application/octet-stream";
  } finally {
    await handle.close();
  }
}

/**
 * Copies every kept file to the bucket under the same key, streamed. An object already there with the file's size
 * is skipped, so a run cut short is finished by the next; `progress` hears every hundred files.
 */
export async function copyFiles(
  folder: string,
  bucket: S3Storage,
  progress: (tally: FileTally) => void,
): Promise<FileTally> {
  const tally: FileTally = { copied: 0, replaced: 0, skipped: 0, bytes: 0 };
  const sizes = await objectSizes(bucket);
  await eachInParallel(archivedFiles(folder), async (item) => {
    const there = sizes.get(item.key) ?? null;
    if (there === item.size) tally.skipped += 1;
    else {
      tally.bytes += await bucket.put(item.file, item.key, await contentType(item));
      tally.copied += 1;
      if (there !== null) tally.replaced += 1;
    }
    if ((tally.copied + tally.skipped) % 100 === 0) progress(tally);
  });
  return tally;
}

/** Checks that every kept file has its object in the bucket, of the same size. */
export async function checkFiles(folder: string, bucket: S3Storage): Promise<FileCheck> {
  const check: FileCheck = { files: 0, wrong: 0, examples: [] };
  const sizes = await objectSizes(bucket);
  for await (const item of archivedFiles(folder)) {
    check.files += 1;
    if (sizes.get(item.key) === item.size) continue;
    check.wrong += 1;
    if (check.examples.length < EXAMPLES) check.examples.push(item.key);
  }
  return check;
}
