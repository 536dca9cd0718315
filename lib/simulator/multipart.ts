import Busboy from "busboy";
import { createWriteStream, type WriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import type { IncomingMessage } from "node:http";

export interface ReceivedFile {
  stagedPath: string;
  size: number;
  originalName: string;
}

export type Received =
  | { kind: "ok"; fields: Map<string, string>; file: ReceivedFile | null }
  | { kind: "too-large" }
  | { kind: "malformed"; message: string }
  | { kind: "storage" }
  | { kind: "aborted" };

/**
 * Parses a multipart upload, streaming the `file` part straight to `stagedPath` and counting its bytes.
 * On every outcome but "ok" the staged file is already deleted when the promise resolves.
 */
export function receiveUpload(req: IncomingMessage, stagedPath: string, maxBytes: number): Promise<Received> {
  return new Promise((resolve) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: req.headers,
        // Browsers send raw UTF-8 file names; busboy's default would read them as latin1.
        defParamCharset: "utf8",
        limits: { fileSize: maxBytes, fields: 20, fieldSize: 4096, parts: 40 },
      });
    } catch {
      resolve({ kind: "malformed", message: "Content-Type must be multipart/form-data with a boundary" });
      return;
    }
    const fields = new Map<string, string>();
    let sink: WriteStream | null = null;
    let written: Promise<void> = Promise.resolve();
    let file: ReceivedFile | null = null;
    let settled = false;

    const fail = async (outcome: Received): Promise<void> => {
      if (settled) return;
      settled = true;
      req.unpipe(busboy);
      sink?.destroy();
      await written;
      await rm(stagedPath, { force: true });
      resolve(outcome);
    };

    busboy.on("file", (name, stream, info) => {
      // One file per request: other parts are read and dropped.
      if (name !== "file" || sink) {
        stream.resume();
        return;
      }
      const out = createWriteStream(stagedPath);
      const received: ReceivedFile = { stagedPath, size: 0, originalName: info.filename ?? "" };
      sink = out;
      file = received;
      written = new Promise((done) => out.on("close", done));
      out.on("error", () => void fail({ kind: "storage" }));
      stream.on("data", (chunk: Buffer) => {
        received.size += chunk.length;
      });
      stream.on("limit", () => void fail({ kind: "too-large" }));
      stream.on("error", () => void fail({ kind: "malformed", message: "Malformed multipart body" }));
      stream.pipe(out);
    });
    busboy.on("field", (name, value) => {
      if (!fields.has(name)) fields.set(name, value);
    });
    busboy.on("error", () => void fail({ kind: "malformed", message: "Malformed multipart body" }));
    busboy.on("close", () => {
      void written.then(() => {
        if (settled) return;
        settled = true;
        resolve({ kind: "ok", fields, file });
      });
    });
    req.on("close", () => {
      if (!req.complete) void fail({ kind: "aborted" });
    });
    req.pipe(busboy);
  });
}
