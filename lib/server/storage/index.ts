import "server-only";
import { config } from "../config";
import { spoolDir } from "../uploads/spool";
import { LocalStorage } from "./local";
import { S3Storage } from "./s3";

export type { Storage } from "./storage";

const globalForStorage = globalThis as typeof globalThis & {
  __storage?: { fingerprint: string; storage: LocalStorage | S3Storage };
};

/** The configured storage: the archive folder, or the bucket of STORAGE_URL. One per configuration. */
export function storage(): LocalStorage | S3Storage {
  const settings = config();
  const fingerprint = JSON.stringify([settings.storage, settings.archiveDir]);
  // Next bundles the poller apart from the routes: both share one client (and its connection pool).
  const cached = globalForStorage.__storage;
  if (cached?.fingerprint === fingerprint) return cached.storage;
  const made =
    settings.storage.kind === "s3"
      ? new S3Storage(settings.storage, spoolDir())
      : new LocalStorage(settings.archiveDir);
  globalForStorage.__storage = { fingerprint, storage: made };
  return made;
}

/** The bucket, when STORAGE_URL names one (presigned uploads and redirects need it); null for the local folder. */
export function bucket(): S3Storage | null {
  const current = storage();
  // By its kind, not instanceof: Next bundles the routes and the poller apart, each with its own copy of the class.
  return current.kind === "s3" ? current : null;
}

/**
 * A storage failure as a visitor may read it (no keys, hosts or paths; the log has the error itself): the bucket
 * unreachable, refusing the credentials or the request, or a file system error of the archive folder.
 */
export function describeStorageError(error: unknown): string | null {
  const { name, code, $metadata } = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken"].includes(name ?? ""))
    return "the object storage refused the studio's credentials (check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)";
  if (name === "NoSuchBucket") return "the object storage has no bucket by the name STORAGE_URL gives";
  if (
    ["ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT", "EAI_AGAIN"].includes(code ?? "") ||
    name === "TimeoutError"
  )
    return "the object storage could not be reached";
  if ($metadata?.httpStatusCode === 403) return "the object storage refused the request (403)";
  if (($metadata?.httpStatusCode ?? 0) >= 500) return `the object storage failed (HTTP ${$metadata?.httpStatusCode})`;
  return null;
}
