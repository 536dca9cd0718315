import { randomBytes } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";

/** Uploads expire 72 h after upload (CONTRACT.md, "File service"). */
export const FILE_TTL_MS = 72 * 60 * 60 * 1000;
const STAGING = ".incoming";

export interface StoredFile {
  id: string;
  fileName: string;
  originalName: string;
  uploadPath: string;
  size: number;
  mime: string;
  uploadedAtMs: number;
  expiresAtMs: number;
  diskPath: string;
}

export type NewFile = Omit<StoredFile, "id" | "expiresAtMs" | "diskPath">;

export function randomId(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}

/** Unsafe characters become "_"; leading dots go, so no segment can be "..", "." or hidden. */
function safeSegment(raw: string, maxLength: number): string {
  return raw
    .replace(/[^A-Za-z0-9._-]+/g, "_")
    .replace(/^\.+/, "")
    .slice(0, maxLength);
}

/** "a/../b c" → "a/b_c"; "" when nothing usable is left (the caller then picks a default). */
export function sanitizeUploadPath(raw: string): string {
  return raw
    .split(/[\\/]+/)
    .map((segment) => safeSegment(segment, 64))
    .filter((segment) => segment !== "")
    .slice(0, 4)
    .join("/");
}

/** Keeps only the last path component, so a name can never carry a directory. */
export function sanitizeFileName(raw: string): string {
  return safeSegment(raw.split(/[\\/]/).pop() ?? "", 128);
}

/** Store key of a `/files/<upload_path>/<file_name>` pathname. */
export function keyFromFilesPath(pathname: string): string {
  return pathname
    .slice("/files/".length)
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/");
}

/** ISO 8601 at +08:00 without milliseconds, as in the docs' examples. */
export function isoPlus8(ms: number): string {
  const shifted = new Date(Math.floor(ms / 1000) * 1000 + 8 * 60 * 60 * 1000);
  return shifted.toISOString().replace(/\.\d{3}Z$/, "+08:00");
}

/** Uploaded files on disk under `dir/<upload_path>/<file_name>`, indexed in memory by id and by path. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byKey = new Map<string, StoredFile>();

  constructor(readonly dir: string) {}

  /** A fresh path for a body still being received; it only becomes a file on commit(). */
  async stagingPath(): Promise<string> {
    const staging = path.join(this.dir, STAGING);
    await mkdir(staging, { recursive: true });
    return path.join(staging, randomId(8));
  }

  /** Live files, after dropping expired ones (they no longer count toward the quota). */
  async used(nowMs: number): Promise<number> {
    const expired = [...this.byId.values()].filter((file) => nowMs >= file.expiresAtMs);
    for (const file of expired) await this.remove(file);
    return this.byId.size;
  }

  findByKey(key: string, nowMs: number): StoredFile | undefined {
    return live(this.byKey.get(key), nowMs);
  }

  findById(id: string, nowMs: number): StoredFile | undefined {
    return live(this.byId.get(id), nowMs);
  }

  /** Moves a staged body into place; the same path uploaded again replaces the old file and its id. */
  async commit(stagedPath: string, file: NewFile): Promise<StoredFile> {
    const key = `${file.uploadPath}/${file.fileName}`;
    const diskPath = path.join(this.dir, file.uploadPath, file.fileName);
    await mkdir(path.dirname(diskPath), { recursive: true });
    await rename(stagedPath, diskPath);
    const previous = this.byKey.get(key);
    if (previous) this.byId.delete(previous.id);
    let id: string;
    do id = `file_${randomId(10)}`;
    while (this.byId.has(id));
    const stored: StoredFile = { ...file, id, expiresAtMs: file.uploadedAtMs + FILE_TTL_MS, diskPath };
    this.byId.set(id, stored);
    this.byKey.set(key, stored);
    return stored;
  }

  async clear(): Promise<void> {
    for (const file of [...this.byId.values()]) await this.remove(file);
    await rm(path.join(this.dir, STAGING), { recursive: true, force: true });
  }

  private async remove(file: StoredFile): Promise<void> {
    this.byId.delete(file.id);
    this.byKey.delete(`${file.uploadPath}/${file.fileName}`);
    await rm(file.diskPath, { force: true });
  }
}

function live(file: StoredFile | undefined, nowMs: number): StoredFile | undefined {
  return file && nowMs < file.expiresAtMs ? file : undefined;
}
