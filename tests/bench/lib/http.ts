/**
 * A lean HTTP/1.1 client on node:http for the benchmark: the same code talks to the studio and to the
 * simulator, so whatever it costs is paid on both sides of every proxy/direct comparison. Every call
 * has a deadline.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, statSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, unless it was discarded (then empty). */
  body: Buffer;
  /** Body bytes received. */
  bytes: number;
  /** From sending the request to the last body byte, in ms. */
  ms: number;
  /** When the last byte arrived (performance.now()). */
  endedAt: number;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string | number>;
  /** A body sent as is, or a function writing a streamed body (it must end the request). */
  body?: Buffer | string | ((req: http.ClientRequest) => void);
  agent?: http.Agent;
  timeoutMs?: number;
  /** Count the body's bytes without keeping them (large downloads). */
  discardBody?: boolean;
}

export class HttpTimeout extends Error {
  constructor(url: string, ms: number) {
    super(`No complete answer from ${url} within ${ms} ms`);
    this.name = "HttpTimeout";
  }
}

export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const { method = "GET", headers = {}, body, agent, timeoutMs = 60_000, discardBody = false } = options;
  return new Promise<Reply>((resolve, reject) => {
    const startedAt = performance.now();
    let settled = false;
    const finish = (error: Error | null, reply?: Reply): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(reply as Reply);
    };
    const req = http.request(url, { method, headers, agent: agent ?? false });
    const timer = setTimeout(() => {
      req.destroy();
      finish(new HttpTimeout(url, timeoutMs));
    }, timeoutMs);
    req.on("error", (error) => finish(error));
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        if (!discardBody) chunks.push(chunk);
      });
      res.on("error", (error) => finish(error));
      res.on("end", () => {
        const endedAt = performance.now();
        finish(null, {
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          bytes,
          ms: endedAt - startedAt,
          endedAt,
        });
      });
    });
    if (typeof body === "function") body(req);
    else req.end(body);
  });
}

/** JSON in, JSON out; throws on a body that is not JSON. */
export async function requestJson<T = unknown>(
  url: string,
  options: RequestOptions & { json?: unknown } = {},
): Promise<{ status: number; body: T; reply: Reply }> {
  const headers: Record<string, string | number> = { Accept: "application/json", ...options.headers };
  let body = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers["Content-Type"] = "application/json";
  }
  const reply = await request(url, { ...options, headers, body });
  let parsed: T;
  try {
    parsed = JSON.parse(reply.body.toString("utf8")) as T;
  } catch {
    throw new Error(
      `${options.method ?? "GET"} ${url} answered ${reply.status} with a body that is not JSON: ${reply.body.toString("utf8").slice(0, 300)}`,
    );
  }
  return { status: reply.status, body: parsed, reply };
}

export interface MultipartFile {
  field: string;
  filePath: string;
  fileName?: string;
  contentType: string;
}

/**
 * A streamed multipart/form-data body: text fields, then one file read from disk in 1 MiB chunks, with
 * an exact Content-Length (as a browser's FormData upload has).
 */
export function multipartBody(
  fields: Record<string, string>,
  file: MultipartFile,
): { headers: Record<string, string | number>; write: (req: http.ClientRequest) => void; length: number } {
  const boundary = `----bench${randomBytes(12).toString("hex")}`;
  let head = "";
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  const fileName = file.fileName ?? path.basename(file.filePath);
  head += `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${fileName}"\r\nContent-Type: ${file.contentType}\r\n\r\n`;
  const preamble = Buffer.from(head, "utf8");
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, "utf8");
  const length = preamble.length + statSync(file.filePath).size + epilogue.length;
  return {
    length,
    headers: { "Content-Type": `multipart/form-data; boundary=${boundary}`, "Content-Length": length },
    write: (req) => {
      req.write(preamble);
      const stream = createReadStream(file.filePath, { highWaterMark: 1024 * 1024 });
      stream.on("error", (error) => req.destroy(error));
      stream.on("end", () => req.end(epilogue));
      stream.pipe(req, { end: false });
    },
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `url` answers below 500, or `isDead()` says the server is gone, or the deadline passes. */
export async function waitUntilAnswers(url: string, timeoutMs: number, isDead: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const dead = isDead();
    if (dead) throw new Error(dead);
    try {
      const reply = await request(url, { timeoutMs: 5_000 });
      if (reply.status < 500) return;
    } catch {
      // Not listening yet.
    }
    await sleep(200);
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}
