import "server-only";
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { fromFile } from "./file-response";
import type { ByteRange, ServeOptions, Storage } from "./storage";

/** The archive folder (`ARCHIVE_DIR`): each key is a file directly inside it, written as `<key>.part` first. */
export class LocalStorage implements Storage {
  readonly kind = "local";

  constructor(readonly folder: string) {}

  /** The key's file; only a plain name directly inside the folder. */
  path(key: string): string {
    const target = path.join(this.folder, key);
    if (path.dirname(target) !== this.folder)
      throw new Error(`The key ${JSON.stringify(key)} falls outside ${this.folder}`);
    return target;
  }

  async ready(): Promise<void> {
    // A folder that cannot be written fails here, before a byte is fetched.
    await mkdir(this.folder, { recursive: true, mode: 0o700 });
  }

  stagingPath(key: string): string {
    return `${this.path(key)}.part`;
  }

  async keep(file: string, key: string): Promise<void> {
    await rename(file, this.path(key));
  }

  async size(key: string): Promise<number | null> {
    const found = await stat(this.path(key)).catch(() => null);
    return found?.isFile() ? found.size : null;
  }

  async read(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null> {
    if ((await this.size(key)) === null) return null;
    const stream = createReadStream(this.path(key), range ? { start: range.start, end: range.end } : {});
    return Readable.toWeb(stream) as ReadableStream<Uint8Array>;
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async source(key: string): Promise<string> {
    return this.path(key);
  }

  serve(key: string, { range, headers }: ServeOptions): Promise<Response | null> {
    return fromFile(this.path(key), range, headers);
  }
}
