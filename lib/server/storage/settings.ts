import "server-only";

/** Where kept files live: the archive folder (the default), or an S3-compatible bucket under a prefix. */
export type StorageSettings =
  | { kind: "local" }
  | {
      kind: "s3";
      bucket: string;
      /** Keys start with this (no leading or trailing slash; empty for the bucket's root). */
      prefix: string;
      /** AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: set for R2, MinIO and other S3-compatible services. */
      endpoint: string | undefined;
      /** The address links given to Evolink name, when the bucket is reached at another one from outside. */
      publicEndpoint: string | undefined;
      region: string;
      credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
    };

// S3's own bucket naming rules (lower case, digits, dots and hyphens, 3–63 characters).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** `s3://bucket/prefix` as bucket and prefix, or why it is not usable (a sentence for the start's refusal). */
export function parseStorageUrl(value: string): { bucket: string; prefix: string } | string {
  const match = /^s3:\/\/([^/?#]+)(\/[^?#]*)?$/.exec(value);
  const refusal = (why: string) =>
    `Refusing to start: STORAGE_URL=${value} ${why}; use s3://bucket or s3://bucket/prefix, or unset it to keep files in the archive folder.`;
  if (!match) return refusal("is not an s3:// address");
  const bucket = match[1] ?? "";
  if (!BUCKET.test(bucket)) return refusal(`names the bucket "${bucket}", which is not a valid S3 bucket name`);
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix.split("/").some((part) => part === "." || part === "..")) return refusal("has . or .. in its prefix");
  return { bucket, prefix };
}

/** Origins the page must be allowed to reach for the bucket (uploads, redirected previews): none locally. */
export function storageOrigins(settings: StorageSettings): string[] {
  if (settings.kind !== "s3") return [];
  // Without an endpoint the SDK addresses AWS's virtual-hosted bucket name.
  return [new URL(settings.endpoint ?? `https://${settings.bucket}.s3.${settings.region}.amazonaws.com`).origin];
}

const WIDENED_DIRECTIVES = new Set(["connect-src", "media-src", "img-src"]);

/** A Content-Security-Policy that also lets the page upload to, play from and show images of `origins`. */
export function widenPolicy(policy: string, origins: readonly string[]): string {
  return policy
    .split(";")
    .map((directive) => {
      const trimmed = directive.trim();
      return WIDENED_DIRECTIVES.has(trimmed.split(/\s+/)[0] ?? "") ? `${trimmed} ${origins.join(" ")}` : trimmed;
    })
    .join("; ");
}
