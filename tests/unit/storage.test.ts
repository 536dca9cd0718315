import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { open } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { storage, describeStorageError } from "@/lib/server/storage";
import { readAll, type Storage } from "@/lib/server/storage/storage";
import { parseStorageUrl, widenPolicy } from "@/lib/server/storage/settings";
import { startBucket, type RunningBucket } from "../helpers/bucket";

// The storage module's one contract, held by both backends: the archive folder and an S3-compatible bucket
// (s3rver, spoken to with the real AWS SDK).

let bucket: RunningBucket;
const saved = { ...process.env };

beforeAll(async () => {
  bucket = await startBucket();
});

afterAll(async () => {
  process.env = saved;
  await bucket.stop();
});

function useBackend(kind: "local" | "s3"): Storage {
  process.env = { ...saved };
  if (kind === "s3") Object.assign(process.env, bucket.env("unit/storage"));
  else process.env.ARCHIVE_DIR = path.join(saved.DATA_DIR ?? "", "archive-storage-test");
  return storage();
}

/** A local file staged for `key`, holding `bytes`. */
function staged(store: Storage, key: string, bytes: Buffer): string {
  const file = store.stagingPath(key);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  return file;
}

const text = async (body: ReadableStream<Uint8Array> | null) => (body ? await new Response(body).text() : null);

describe.each(["local", "s3"] as const)("storage: %s", (kind) => {
  it("keeps a staged file under its key, moving it (the staged file is gone)", async () => {
    const store = useBackend(kind);
    expect(store.kind).toBe(kind);
    await store.ready();
    const file = staged(store, "task-a.mp4", Buffer.from("0123456789"));
    await store.keep(file, "task-a.mp4", "video/mp4");
    expect(existsSync(file)).toBe(false);
    expect(await store.size("task-a.mp4")).toBe(10);
    expect(await text(await store.read("task-a.mp4"))).toBe("0123456789");
    expect((await readAll(store, "task-a.mp4"))?.toString()).toBe("0123456789");
  });

  it("reads ranges with inclusive bounds, and answers null for a missing key", async () => {
    const store = useBackend(kind);
    await store.ready();
    await store.keep(staged(store, "task-b.mp4", Buffer.from("abcdefghij")), "task-b.mp4", "video/mp4");
    expect(await text(await store.read("task-b.mp4", { start: 2, end: 4 }))).toBe("cde");
    expect(await text(await store.read("task-b.mp4", { start: 9, end: 9 }))).toBe("j");
    expect(await store.read("never-kept.mp4")).toBeNull();
    expect(await store.size("never-kept.mp4")).toBeNull();
    expect(await readAll(store, "never-kept.mp4")).toBeNull();
  });

  it("removes, and removing what is not there is no error", async () => {
    const store = useBackend(kind);
    await store.ready();
    await store.keep(staged(store, "task-c.jpg", Buffer.from("poster")), "task-c.jpg", "image/jpeg");
    await store.remove("task-c.jpg");
    expect(await store.size("task-c.jpg")).toBeNull();
    await expect(store.remove("task-c.jpg")).resolves.toBeUndefined();
  });

  it("serves a kept file to a browser with Range answered 206 and the download name kept", async () => {
    const store = useBackend(kind);
    await store.ready();
    await store.keep(staged(store, "task-d.mp4", Buffer.from("0123456789")), "task-d.mp4", "video/mp4");
    const headers = new Headers({
      "Content-Type": "video/mp4",
      "Content-Disposition": 'attachment; filename="kling-d.mp4"',
    });
    let answer = await store.serve("task-d.mp4", { range: "bytes=3-5", headers });
    expect(answer).not.toBeNull();
    if (kind === "s3") {
      // A redirect to a short-lived link: the bytes and the Range go straight to the bucket.
      expect(answer?.status).toBe(302);
      const location = answer?.headers.get("location") ?? "";
      expect(location).toMatch(/X-Amz-Expires=900/);
      answer = await fetch(location, { headers: { Range: "bytes=3-5" } });
    }
    expect(answer?.status).toBe(206);
    expect(answer?.headers.get("content-range")).toBe("bytes 3-5/10");
    expect(answer?.headers.get("content-disposition")).toBe('attachment; filename="kling-d.mp4"');
    expect(await answer?.text()).toBe("345");
    expect(await store.serve("never-kept.mp4", { range: null, headers: new Headers() })).toBeNull();
  });

  it("gives child processes a place to read a kept file from", async () => {
    const store = useBackend(kind);
    await store.ready();
    await store.keep(staged(store, "task-e.mp4", Buffer.from("frames")), "task-e.mp4", "video/mp4");
    const source = await store.source("task-e.mp4");
    const bytes = kind === "s3" ? await (await fetch(source)).text() : readFileSync(source, "utf8");
    expect(bytes).toBe("frames");
  });
});

describe("storage: the bucket's faults", () => {
  it("an unreachable bucket fails `ready` with a sentence saying so", async () => {
    process.env = { ...saved, ...bucket.env(), AWS_ENDPOINT_URL_S3: "http://127.0.0.1:5799" };
    const failure = await storage()
      .ready()
      .catch((error: unknown) => error);
    expect(describeStorageError(failure)).toBe("the object storage could not be reached");
  });

  it("refused credentials fail with a sentence naming the variables", async () => {
    process.env = { ...saved, ...bucket.env(), AWS_ACCESS_KEY_ID: "NOT-A-KEY" };
    const failure = await storage()
      .ready()
      .catch((error: unknown) => error);
    expect(describeStorageError(failure)).toMatch(/refused the studio's credentials \(check AWS_ACCESS_KEY_ID/);
  });

  it("a missing bucket is named as such", async () => {
    process.env = { ...saved, ...bucket.env(), STORAGE_URL: "s3://no-such-bucket" };
    const failure = await storage()
      .ready()
      .catch((error: unknown) => error);
    expect(describeStorageError(failure)).toBe("the object storage has no bucket by the name STORAGE_URL gives");
  });
});

const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

describe("storage: settings", () => {
  it("parses s3:// addresses and refuses others with the accepted form", () => {
    expect(parseStorageUrl("s3://my-bucket")).toEqual({ bucket: "my-bucket", prefix: "" });
    expect(parseStorageUrl("s3://my-bucket/studio/videos/")).toEqual({ bucket: "my-bucket", prefix: "studio/videos" });
    expect(parseStorageUrl("https://my-bucket")).toMatch(/is not an s3:\/\/ address; use s3:\/\/bucket/);
    expect(parseStorageUrl("s3://My_Bucket")).toMatch(/not a valid S3 bucket name/);
    expect(parseStorageUrl("s3://bucket/../x")).toMatch(/\. or \.\./);
    expect(() => loadConfig(env({ STORAGE_URL: "ftp://x" }))).toThrow(/STORAGE_URL=ftp:\/\/x is not an s3/);
  });

  it("a bucket's settings come from STORAGE_URL and the standard AWS variables", () => {
    const parsed = loadConfig(
      env({
        STORAGE_URL: "s3://media/studio",
        AWS_ENDPOINT_URL: "http://minio.internal:9000/",
        AWS_REGION: "auto",
        AWS_ACCESS_KEY_ID: "id",
        AWS_SECRET_ACCESS_KEY: "secret",
      }),
    ).storage;
    expect(parsed).toMatchObject({
      kind: "s3",
      bucket: "media",
      prefix: "studio",
      endpoint: "http://minio.internal:9000",
      region: "auto",
      credentials: { accessKeyId: "id", secretAccessKey: "secret" },
    });
    expect(loadConfig(env({})).storage).toEqual({ kind: "local" });
  });

  it("the page's policy gets the bucket's origin for uploads, media and images only", () => {
    const widened = widenPolicy("default-src 'self'; connect-src 'self'; media-src 'self' blob:; img-src 'self'", [
      "https://b.example",
    ]);
    expect(widened).toBe(
      "default-src 'self'; connect-src 'self' https://b.example; media-src 'self' blob: https://b.example; img-src 'self' https://b.example",
    );
  });
});

describe("storage: bounded memory", () => {
  it("keeps and reads back 200 MB through the bucket with the studio's RSS growing at most 64 MiB", async () => {
    const store = useBackend("s3");
    await store.ready();
    const file = store.stagingPath("big.mp4");
    mkdirSync(path.dirname(file), { recursive: true });
    const handle = await open(file, "w");
    // A sparse file: 200 MB that costs nothing on disk; the bytes still travel.
    await handle.truncate(200 * 1024 * 1024);
    await handle.close();
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      await store.keep(file, "big.mp4", "video/mp4");
      const body = await store.read("big.mp4");
      let bytes = 0;
      const reader = body?.getReader();
      for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read())
        bytes += chunk.value.length;
      expect(bytes).toBe(200 * 1024 * 1024);
    } finally {
      clearInterval(sample);
    }
    expect((peak - before) / 1024 / 1024).toBeLessThanOrEqual(64);
    await store.remove("big.mp4");
  }, 120_000);
});
