import "server-only";
import { randomUUID } from "node:crypto";
import { mkdir, open, rm } from "node:fs/promises";
import path from "node:path";
import { formatBytes, IMAGE_RULES, VIDEO_RULES } from "../../media/rules";
import { sniffMediaType } from "../../media/probe";
import { log } from "../log";
import { bucket, describeStorageError } from "../storage";
import type { S3Storage } from "../storage/s3";
import { recordUpload } from "../store/uploads";
import { checkFile } from "./check-file";
import { spoolRanges } from "./ranged-spool";
import type { UploadKind, UploadOutcome } from "./receive";
import { spoolDir } from "./spool";

/**
 * References uploaded by the browser straight to the bucket: the studio signs a PUT of exactly the announced size
 * and type into `uploads/incoming/`, and on "complete" checks the object the way it checks a received upload, from
 * range reads (its size, its first bytes, then the boxes the demuxer reads). A file that breaks a rule is deleted
 * with the same message; one that passes moves to `uploads/ready/` and gets a presigned GET that lives 72 h, as a
 * file-service link does, to give Evolink as `video_url` / `image_urls`. The announcement is in the key itself, so
 * any instance can complete any upload and nothing is kept in the database.
 */

const INCOMING = "uploads/incoming/";
const READY = "uploads/ready/";
const TYPES = {
  "video/mp4": { kind: "video", extension: "mp4" },
  "video/quicktime": { kind: "video", extension: "mov" },
  "image/jpeg": { kind: "image", extension: "jpg" },
  "image/png": { kind: "image", extension: "png" },
  "image/webp": { kind: "image", extension: "webp" },
  "image/gif": { kind: "image", extension: "gif" },
} as const satisfies Record<string, { kind: UploadKind; extension: string }>;
type DirectType = keyof typeof TYPES;
const EXTENSION_TYPES = new Map<string, DirectType>(
  Object.entries(TYPES).map(([type, { extension }]) => [extension, type as DirectType]),
);
const INCOMING_KEY = /^uploads\/incoming\/([0-9a-f-]{36})-(video|image)-(\d{1,12})\.(mp4|mov|jpg|png|webp|gif)$/;
const READY_NAME = /([0-9a-f-]{36})\.(mp4|mov|jpg|png|webp|gif)$/;

/** How long the browser has to send the file once it is signed. */
export const UPLOAD_LINK_SECONDS = 15 * 60;
/** How long the link given to Evolink lives (≥ 24 h, within SigV4's 7 days), like a file-service link's 72 h. */
export const REFERENCE_LINK_SECONDS = 72 * 3600;
// An upload never completed is removed once its link can no longer be used, with room for a slow last byte.
const ABANDONED_AFTER_MS = (UPLOAD_LINK_SECONDS + 15 * 60) * 1000;

export type Refusal = Extract<UploadOutcome, { ok: false }>;
export interface Announcement {
  kind: UploadKind;
  size: number;
  type: string;
}
export type Signed = { ok: true; key: string; uploadUrl: string; headers: Record<string, string>; expiresAt: string };

const capFor = (kind: UploadKind) => (kind === "video" ? VIDEO_RULES.apiMaxBytes : IMAGE_RULES.maxBytes);

function unavailable(error: unknown): Refusal {
  log().warn({ err: error }, "the object storage refused or could not be reached");
  return { ok: false, code: "storage_unavailable", detail: `Why: ${describeStorageError(error) ?? "it failed"}.` };
}

/** Signs one browser upload of exactly the announced size and type, after checking the bucket answers. */
export async function signUpload(store: S3Storage, announced: Announcement): Promise<Signed | Refusal> {
  const known = TYPES[announced.type as DirectType] as (typeof TYPES)[DirectType] | undefined;
  if (!known || known.kind !== announced.kind)
    return { ok: false, code: "unsupported_file_type", detail: `A ${announced.kind} of type "${announced.type}".` };
  const cap = capFor(announced.kind);
  if (announced.size > cap)
    return {
      ok: false,
      code: "upload_too_large",
      detail: `The file is ${formatBytes(announced.size)}; ${announced.kind} uploads are limited to ${formatBytes(cap)}.`,
    };
  try {
    await store.ready();
  } catch (error) {
    return unavailable(error);
  }
  const key = `${INCOMING}${randomUUID()}-${announced.kind}-${announced.size}.${known.extension}`;
  const uploadUrl = await store.uploadLink(key, announced.size, announced.type, UPLOAD_LINK_SECONDS);
  const expiresAt = new Date(Date.now() + UPLOAD_LINK_SECONDS * 1000).toISOString();
  return { ok: true, key, uploadUrl, headers: { "Content-Type": announced.type }, expiresAt };
}

/** The announcement a key carries, or null for a key this studio never signs. */
function announcementOf(key: string): (Announcement & { id: string; extension: string }) | null {
  const match = INCOMING_KEY.exec(key);
  if (!match) return null;
  const [, id = "", kind, size, extension = ""] = match;
  const type = EXTENSION_TYPES.get(extension);
  if (!type || TYPES[type].kind !== kind) return null;
  return { id, kind: kind as UploadKind, size: Number(size), type, extension };
}

/**
 * Checks an upload the browser says it finished: the object must be there with exactly the announced size, start
 * as the announced type, and pass the model's rules (read from range requests, the demuxer in its isolated child).
 * A failure removes the object. Success: the reference's presigned link for Evolink, its end and its facts.
 */
export async function completeUpload(store: S3Storage, key: string, originalName: string): Promise<UploadOutcome> {
  const announced = announcementOf(key);
  if (!announced) return { ok: false, code: "upload_not_issued", detail: "The studio signs no upload by that name." };
  try {
    const found = await store.facts(key);
    if (!found)
      return { ok: false, code: "upload_interrupted", detail: "The file never arrived in the studio's storage." };
    const checked = await checkStored(store, key, announced, found.size);
    if (!checked.ok) {
      await store.remove(key);
      return checked;
    }
    const ready = `${READY}${announced.id}.${announced.extension}`;
    await store.copy(key, ready);
    await store.remove(key);
    const fileUrl = await store.link(ready, REFERENCE_LINK_SECONDS, {}, true);
    const expiresAt = new Date(Date.now() + REFERENCE_LINK_SECONDS * 1000).toISOString();
    await recordUpload({ fileUrl, kind: announced.kind, originalName: originalName || announced.kind, expiresAt });
    return { ok: true, fileUrl, expiresAt, facts: checked.facts };
  } catch (error) {
    if (describeStorageError(error) === null) throw error;
    return unavailable(error);
  }
}

/** The stored object against its announcement and the rules; its facts when it passes. */
async function checkStored(
  store: S3Storage,
  key: string,
  announced: Announcement,
  size: number,
): Promise<Awaited<ReturnType<typeof checkFile>>> {
  if (size > announced.size)
    return {
      ok: false,
      code: "upload_too_large",
      detail: `The stored file is ${formatBytes(size)}, more than the ${formatBytes(announced.size)} announced.`,
    };
  if (size < announced.size)
    return {
      ok: false,
      code: "upload_interrupted",
      detail: `Only ${formatBytes(size)} of the ${formatBytes(announced.size)} announced arrived.`,
    };
  const head = await store.read(key, { start: 0, end: Math.min(size, 16) - 1 });
  const first = head ? Buffer.from(await new Response(head).arrayBuffer()) : Buffer.alloc(0);
  const sniffed = sniffMediaType(first, announced.kind);
  if (sniffed?.mime !== announced.type)
    return {
      ok: false,
      code: "unsupported_file_type",
      detail: `The file was announced as ${announced.type}, but its first bytes are ${sniffed ? sniffed.mime : "not a known " + announced.kind + " type"}.`,
    };
  const folder = spoolDir();
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const copy = path.join(folder, `${randomUUID()}.part`);
  const handle = await open(copy, "w", 0o600);
  try {
    const fetched = await spoolRanges((range) => store.read(key, range), size, announced.kind, handle);
    await handle.close();
    log().info({ kind: announced.kind, size, fetched }, "direct upload read for its check");
    return await checkFile(announced.kind, copy, size, capFor(announced.kind));
  } finally {
    await handle.close().catch(() => undefined);
    await rm(copy, { force: true });
  }
}

/**
 * Removes what uploads left in the bucket: incoming objects never completed once their link has expired, and
 * checked references once their 72 h link has (each result keeps its own copy). Answers how many were removed.
 */
export async function sweepDirectUploads(store: S3Storage, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const [under, ageMs] of [
    [INCOMING, ABANDONED_AFTER_MS],
    [READY, REFERENCE_LINK_SECONDS * 1000],
  ] as const) {
    for (const item of await store.list(under)) {
      if (item.lastModified && now - item.lastModified.getTime() < ageMs) continue;
      await store.remove(item.key);
      removed += 1;
    }
  }
  if (removed > 0) log().info({ removed }, "removed uploads left in the object storage");
  return removed;
}

/** The storage key of a checked direct upload a presigned link points at; null for any other link. */
export function directUploadKey(url: string): string | null {
  const store = bucket();
  if (!store) return null;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  const name = READY_NAME.exec(target.pathname)?.[0];
  if (!name || !target.searchParams.has("X-Amz-Signature")) return null;
  const key = `${READY}${name}`;
  return decodeURIComponent(target.pathname).endsWith(`/${store.objectKey(key)}`) ? key : null;
}

const SWEEP_EVERY_MS = 10 * 60_000;
const globalForSweep = globalThis as typeof globalThis & { __directSweep?: { last: number } };
const sweeps = (globalForSweep.__directSweep ??= { last: 0 });

/** From the background poller: sweeps the bucket's uploads every 10 minutes (never with the local folder). */
export function sweepDirectUploadsWhenDue(now = Date.now()): void {
  const store = bucket();
  if (!store || now - sweeps.last < SWEEP_EVERY_MS) return;
  sweeps.last = now;
  sweepDirectUploads(store, now).catch((error: unknown) =>
    log().warn({ err: error }, "sweeping uploads in the object storage failed; trying again later"),
  );
}
