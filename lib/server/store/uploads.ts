import "server-only";
import { query } from "./connection";

/** Files this studio uploaded to the file service, so a remix can tell which references have expired. */
export interface UploadRecord {
  fileUrl: string;
  kind: "video" | "image";
  originalName: string;
  expiresAt: string | null;
}

export async function recordUpload(upload: UploadRecord): Promise<void> {
  const row = {
    kind: upload.kind,
    original_name: upload.originalName,
    expires_at: upload.expiresAt,
    created_at: Date.now(),
  };
  await (
    await query()
  )
    .insertInto("uploads")
    .values({ file_url: upload.fileUrl, ...row })
    .onConflict((conflict) => conflict.column("file_url").doUpdateSet(row))
    .execute();
}

export async function findUploads(urls: readonly string[]): Promise<Map<string, UploadRecord>> {
  if (urls.length === 0) return new Map();
  const rows = await (
    await query()
  )
    .selectFrom("uploads")
    .selectAll()
    .where("file_url", "in", [...urls])
    .execute();
  return new Map(
    rows.map((row) => [
      row.file_url,
      { fileUrl: row.file_url, kind: row.kind, originalName: row.original_name, expiresAt: row.expires_at },
    ]),
  );
}
