import "server-only";
import { statement } from "./connection";

/** Files this studio uploaded to the file service, so a remix can tell which references have expired. */
export interface UploadRecord {
  fileUrl: string;
  kind: "video" | "image";
  originalName: string;
  expiresAt: string | null;
}

export function recordUpload(upload: UploadRecord): void {
  statement(
    `INSERT OR REPLACE INTO uploads (file_url, kind, original_name, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`,
  ).run(upload.fileUrl, upload.kind, upload.originalName, upload.expiresAt, Date.now());
}

export function findUploads(urls: readonly string[]): Map<string, UploadRecord> {
  if (urls.length === 0) return new Map();
  const rows = statement(`SELECT * FROM uploads WHERE file_url IN (${urls.map(() => "?").join(", ")})`).all(
    ...urls,
  ) as Array<{ file_url: string; kind: "video" | "image"; original_name: string; expires_at: string | null }>;
  return new Map(
    rows.map((row) => [
      row.file_url,
      { fileUrl: row.file_url, kind: row.kind, originalName: row.original_name, expiresAt: row.expires_at },
    ]),
  );
}
