import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import parseRange from "range-parser";
import type { HttpError } from "./errors";

function canWrite(res: ServerResponse): boolean {
  return !res.headersSent && !res.destroyed;
}

export function sendRaw(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (!canWrite(res)) return;
  res.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers?: Record<string, string>): void {
  sendRaw(res, status, "application/json; charset=utf-8", JSON.stringify(body), headers);
}

export function sendError(res: ServerResponse, error: HttpError): void {
  sendJson(res, error.status, error.body, error.headers);
}

export function sendText(res: ServerResponse, status: number, text: string): void {
  sendRaw(res, status, "text/plain; charset=utf-8", text);
}

/** Unref'd so a pending "slow" delay never keeps a closing process alive. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/**
 * Reads the whole body, or null when it exceeds `limit`. An oversized body is still drained
 * (not buffered) so the client receives the 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = Number(req.headers["content-length"] ?? 0) > limit;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => reject(new Error("request aborted")));
  });
}

/** Streams a file with single-range support; multi-range or malformed Range headers get the full file. */
export async function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  filePath: string,
  contentType: string,
): Promise<void> {
  let size: number;
  try {
    size = (await stat(filePath)).size;
  } catch {
    return sendText(res, 404, "Not Found");
  }
  let start = 0;
  let end = size - 1;
  const headers: Record<string, string | number> = { "Content-Type": contentType, "Accept-Ranges": "bytes" };
  let status = 200;
  const rangeHeader = req.headers.range;
  if (rangeHeader !== undefined) {
    const ranges = parseRange(size, rangeHeader, { combine: true });
    if (ranges === -1) {
      res.writeHead(416, { "Content-Range": `bytes */${size}`, "Accept-Ranges": "bytes", "Content-Length": 0 });
      res.end();
      return;
    }
    const only = ranges !== -2 && ranges.type === "bytes" && ranges.length === 1 ? ranges[0] : undefined;
    if (only) {
      ({ start, end } = only);
      status = 206;
      headers["Content-Range"] = `bytes ${start}-${end}/${size}`;
    }
  }
  headers["Content-Length"] = end - start + 1;
  res.writeHead(status, headers);
  if (req.method === "HEAD") {
    res.end();
    return;
  }
  // Errors here are client aborts or a vanished file; the response is already committed.
  pipeline(createReadStream(filePath, { start, end }), res, () => undefined);
}
