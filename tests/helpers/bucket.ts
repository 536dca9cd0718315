import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/** A running s3rver bucket: its endpoint, the studio's variables for it, and how to stop it. */
export interface RunningBucket {
  endpoint: string;
  bucket: string;
  port: number;
  /** STORAGE_URL and the AWS_* variables that point a studio at this bucket (`prefix` under it). */
  env: (prefix?: string) => Record<string, string>;
  stop: () => Promise<void>;
  /** Stops the server but keeps its folder, so `restart` brings the same objects back on the same port. */
  pause: () => Promise<void>;
  restart: () => Promise<void>;
}

/** s3rver accepts these keys (its default account); any other access key id is refused with InvalidAccessKeyId. */
export const BUCKET_KEYS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

function launch(
  port: number,
  folder: string,
  bucket: string,
  corsOrigin: string,
): Promise<{ child: ChildProcess; port: number }> {
  const main = path.join(process.cwd(), "tests", "helpers", "s3rver-main.mjs");
  // s3rver's listing continuation tokens use DES, which Node 20's OpenSSL 3 has only in its legacy provider.
  const child = spawn(process.execPath, ["--openssl-legacy-provider", main, String(port), folder, bucket, corsOrigin], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)/.exec(out);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.once("exit", (code) => reject(new Error(`s3rver exited with ${code} before listening`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** Starts s3rver with one bucket on a loopback port (0: any free one); `corsOrigin` lets that page upload to it. */
export async function startBucket(
  options: { port?: number; bucket?: string; corsOrigin?: string } = {},
): Promise<RunningBucket> {
  const bucket = options.bucket ?? "studio-test";
  const folder = mkdtempSync(path.join(os.tmpdir(), "kling-s3rver-"));
  let running = await launch(options.port ?? 0, folder, bucket, options.corsOrigin ?? "");
  const endpoint = `http://127.0.0.1:${running.port}`;
  return {
    endpoint,
    bucket,
    port: running.port,
    env: (prefix = "") => ({
      STORAGE_URL: `s3://${bucket}${prefix ? `/${prefix}` : ""}`,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: BUCKET_KEYS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: BUCKET_KEYS.secretAccessKey,
    }),
    pause: () => stopChild(running.child),
    restart: async () => {
      running = await launch(running.port, folder, bucket, options.corsOrigin ?? "");
    },
    stop: async () => {
      await stopChild(running.child);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
