import "server-only";

/** Bytes start..end of an object, both inclusive (as in an HTTP Range). */
export interface ByteRange {
  start: number;
  end: number;
}

export interface ServeOptions {
  /** The request's Range header; the local folder answers it, a bucket's link does. */
  range: string | null;
  /** Content-Type, Content-Disposition and caching of the answer. */
  headers: Headers;
}

/**
 * Where the studio keeps files that outlive a request: archived results, posters, kept references and (with a
 * bucket) reference uploads. Keys are flat names (`<task id>.mp4`, `<task id>.jpg`, `references/<id>.mp4`). Every
 * method streams: nothing here holds a whole video in memory. Two backends: the archive folder (local.ts) and an
 * S3-compatible bucket (s3.ts); `storage()` in index.ts picks the configured one.
 */
export interface Storage {
  readonly kind: "local" | "s3";
  /** Fails, with the reason, when nothing could be kept now: checked before a download starts. */
  ready(): Promise<void>;
  /** A private path on this machine to write a file to before it is kept under `key`. */
  stagingPath(key: string): string;
  /** Keeps a finished file under `key`; the local file is moved or removed (never left behind). */
  keep(file: string, key: string, contentType: string): Promise<void>;
  /** The object's size in bytes, or null when there is none. */
  size(key: string): Promise<number | null>;
  /** The object's bytes (a range of them), streamed; null when there is none. */
  read(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null>;
  /** Removes the object; no error when there is none. */
  remove(key: string): Promise<void>;
  /** Where a child process (ffmpeg) can read the object from: its file, or a short-lived link. */
  source(key: string): Promise<string>;
  /** The answer for a browser: the bytes with Range, or a redirect to a short-lived link; null when absent. */
  serve(key: string, options: ServeOptions): Promise<Response | null>;
}

/** A kept object's whole bytes, for small ones (posters, thumbnails); null when there is none. */
export async function readAll(storage: Storage, key: string): Promise<Buffer | null> {
  const body = await storage.read(key);
  if (!body) return null;
  return Buffer.from(await new Response(body).arrayBuffer());
}
