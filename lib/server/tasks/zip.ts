import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
import { ZipFile } from "yazl";
import { archiveKey } from "./archive";
import { storage } from "../storage";
import { resultFileName } from "./result-stream";
import { log } from "../log";
import { findTask, type TaskRecord } from "../store/tasks";

export type ZipOutcome = { ok: true; response: Response } | { ok: false; detail: string };

/**
 * A ZIP of the archived results of `ids`, streamed at constant memory: yazl reads one file at a time from storage as
 * the client takes bytes, stored uncompressed (MP4 does not shrink). Each entry is named as the single download
 * names it; entries without an archived copy are skipped and listed in MISSING.txt.
 */
export async function zipResults(ids: readonly string[], signal: AbortSignal): Promise<ZipOutcome> {
  const store = storage();
  const videos: Array<{ record: TaskRecord; key: string; size: number }> = [];
  const missing: string[] = [];
  for (const id of ids) {
    const record = await findTask(id);
    const reason = !record
      ? "not in this studio's history"
      : record.archiveState !== "archived"
        ? "no saved copy yet (still running, failed, or not archived)"
        : null;
    const size = record && !reason ? await store.size(archiveKey(id)).catch(() => null) : null;
    if (record && size !== null) videos.push({ record, key: archiveKey(id), size });
    else missing.push(`${record ? resultFileName(record) : id}: ${reason ?? "the saved copy is gone"}`);
  }
  if (videos.length === 0) return { ok: false, detail: "None of the selected entries has a saved video." };

  const zip = new ZipFile();
  for (const { record, key, size } of videos) {
    // The folder's files are read by yazl itself, as they always were; a bucket's objects are opened only when
    // yazl reaches the entry, so one object is read at a time.
    if (store.kind === "local") {
      zip.addFile(store.path(key), resultFileName(record), { compress: false });
      continue;
    }
    zip.addReadStreamLazy(resultFileName(record), { compress: false, size }, (done) => {
      store.read(key).then(
        (body) =>
          body
            ? done(null, Readable.fromWeb(body as unknown as NodeWebStream<Uint8Array>))
            : done(new Error("the saved copy is gone"), Readable.from([])),
        (error: unknown) => done(error, Readable.from([])),
      );
    });
  }
  if (missing.length > 0) {
    const text = `These selected entries are not in this ZIP:\n${missing.map((line) => `- ${line}\n`).join("")}`;
    zip.addBuffer(Buffer.from(text), "MISSING.txt");
  }
  zip.end();
  const output = zip.outputStream as Readable;
  // A file removed after the check above ends the stream with an error; the client sees a cut-short download.
  zip.on("error", (error: unknown) => {
    log().warn({ err: error }, "ZIP stream failed");
    output.destroy(error as Error);
  });
  signal.addEventListener("abort", () => output.destroy(), { once: true });
  const name = `kling-studio-${videos.length}-videos.zip`;
  return {
    ok: true,
    response: new Response(Readable.toWeb(output) as ReadableStream<Uint8Array>, {
      headers: {
        "Content-Type": "application/zip",
        "Content-Disposition": `attachment; filename="${name}"`,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
      },
    }),
  };
}
