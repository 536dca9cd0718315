import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

const KEY = "sk-test-files";
const HOUR = 60 * 60 * 1000;
let clock = Date.parse("2026-05-20T04:00:00.000Z");
let fixtures: string;
let filesDir: string;
let sim: RunningSimulator;
const started: RunningSimulator[] = [];

function ffmpeg(args: string): void {
  execFileSync("ffmpeg", ["-y", "-loglevel", "error", ...args.split(" ")], { cwd: fixtures });
}
const fixture = (name: string): Buffer => readFileSync(path.join(fixtures, name));

beforeAll(async () => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), "sim-files-fixtures-"));
  ffmpeg("-f lavfi -i testsrc2=size=1280x720:rate=24 -t 4 -c:v libx264 -preset ultrafast -pix_fmt yuv420p good.mp4");
  ffmpeg("-f lavfi -i testsrc2=size=1280x720 -frames:v 1 still.png");
  filesDir = mkdtempSync(path.join(os.tmpdir(), "sim-files-store-"));
  sim = await startSimulator({ apiKey: KEY, publicFilesBase: "", filesDir, now: () => clock });
}, 60_000);

afterAll(async () => {
  await Promise.all([sim, ...started].map((s) => s.close()));
  rmSync(fixtures, { recursive: true, force: true });
  rmSync(filesDir, { recursive: true, force: true });
});

async function extraSim(options: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> {
  const extra = await startSimulator({ apiKey: KEY, publicFilesBase: "", now: () => clock, ...options });
  started.push(extra);
  return extra;
}

interface Uploaded {
  file_id: string;
  file_name: string;
  upload_path: string;
  mime_type: string;
  file_url: string;
  download_url: string;
}

function upload(
  bytes: Buffer,
  filename: string,
  fields: Record<string, string> = {},
  target: RunningSimulator = sim,
  key: string | null = KEY,
): Promise<Response> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  form.append("file", new Blob([new Uint8Array(bytes)]), filename);
  const headers: Record<string, string> = key === null ? {} : { Authorization: `Bearer ${key}` };
  return fetch(`${target.url}/api/v1/files/upload/stream`, { method: "POST", headers, body: form });
}

async function uploaded(bytes: Buffer, filename: string, fields: Record<string, string> = {}): Promise<Uploaded> {
  const res = await upload(bytes, filename, fields);
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Uploaded }).data;
}

/** Every regular file under dir, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
}

describe("upload", () => {
  it("answers the documented body and serves the file back byte-identical, with ranges", async () => {
    const good = fixture("good.mp4");
    const res = await upload(good, "good.mp4");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Uploaded };
    const { file_id: id, file_name: name } = body.data;
    expect(id).toMatch(/^file_[0-9a-f]{20}$/);
    expect(name).toMatch(/^video_[0-9a-f]{16}\.mp4$/);
    expect(body).toEqual({
      success: true,
      code: 200,
      msg: "File uploaded successfully",
      data: {
        file_id: id,
        file_name: name,
        original_name: "good.mp4",
        file_size: good.length,
        mime_type: "video/mp4",
        upload_path: "videos",
        file_url: `${sim.url}/files/videos/${name}`,
        download_url: `${sim.url}/api/v1/files/download/${id}`,
        upload_time: "2026-05-20T12:00:00+08:00",
        expires_at: "2026-05-23T12:00:00+08:00",
      },
    });

    const part = await fetch(body.data.file_url, { headers: { Range: "bytes=100-1123" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-type")).toBe("video/mp4");
    expect(part.headers.get("content-range")).toBe(`bytes 100-1123/${good.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(good.subarray(100, 1124))).toBe(true);
    for (const url of [body.data.file_url, body.data.download_url]) {
      const full = await fetch(url);
      expect(full.status).toBe(200);
      expect(Buffer.from(await full.arrayBuffer()).equals(good)).toBe(true);
    }
    const head = await fetch(body.data.file_url, { method: "HEAD" });
    expect(head.headers.get("content-length")).toBe(String(good.length));
  });

  it("accepts both field spellings, sanitizes them and overwrites the same name", async () => {
    const png = fixture("still.png");
    const first = await uploaded(png, "a.png", { upload_path: "../../etc/my refs", file_name: "../x/one shot.png" });
    expect(first).toMatchObject({ upload_path: "etc/my_refs", file_name: "one_shot.png", mime_type: "image/png" });
    expect(existsSync(path.join(filesDir, "etc/my_refs/one_shot.png"))).toBe(true);

    const second = await uploaded(fixture("good.mp4"), "b.mp4", {
      uploadPath: "etc/my_refs",
      fileName: "one_shot.png",
    });
    expect(second.file_url).toBe(first.file_url);
    const served = await fetch(first.file_url);
    expect(served.headers.get("content-type")).toBe("video/mp4");
    expect(Buffer.from(await served.arrayBuffer()).equals(fixture("good.mp4"))).toBe(true);
    expect((await fetch(first.download_url)).status).toBe(404);
  });

  it("types files by content: a PNG named .mp4 is stored as image/png", async () => {
    const data = await uploaded(fixture("still.png"), "holiday.mp4");
    expect(data).toMatchObject({ mime_type: "image/png", upload_path: "images" });
    expect(data.file_name).toMatch(/^image_[0-9a-f]{16}\.png$/);
    expect((await fetch(data.file_url)).headers.get("content-type")).toBe("image/png");
  });

  it("rejects other types with 40002 and keeps nothing", async () => {
    const before = filesUnder(filesDir);
    const res = await upload(Buffer.from("just some text\n".repeat(100)), "notes.png");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ success: false, code: 40002, msg: "File type not allowed" });
    expect(filesUnder(filesDir)).toEqual(before);
  });

  it("rejects a missing key, a missing file part and a non-multipart body", async () => {
    for (const key of [null, "sk-wrong"]) {
      const res = await upload(fixture("still.png"), "a.png", {}, sim, key);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ success: false, code: 401, msg: "Invalid or expired token" });
    }
    const form = new FormData();
    form.append("file_name", "a.png");
    const noFile = await fetch(`${sim.url}/api/v1/files/upload/stream`, {
      method: "POST",
      headers: { Authorization: `Bearer ${KEY}` },
      body: form,
    });
    expect(noFile.status).toBe(400);
    expect(await noFile.json()).toMatchObject({ success: false, code: 400 });
    const json = await fetch(`${sim.url}/api/v1/files/upload/stream`, {
      method: "POST",
      headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
      body: "{}",
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ success: false, code: 400 });
  });

  it("answers 500/50001 for the storage-error scenario", async () => {
    const res = await upload(fixture("still.png"), "a.png", { file_name: "my-sim-storage-error.png" });
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ success: false, code: 50001, msg: "Storage service error" });
  });
});

describe("size cap", () => {
  it("refuses a declared Content-Length over the cap at once", async () => {
    const { port } = new URL(sim.url);
    const started = Date.now();
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({
        host: "127.0.0.1",
        port,
        method: "POST",
        path: "/api/v1/files/upload/stream",
        headers: {
          Authorization: `Bearer ${KEY}`,
          "Content-Type": "multipart/form-data; boundary=xyz",
          "Content-Length": String(200 * 1024 * 1024),
        },
      });
      req.on("response", (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on("error", reject);
      req.write("--xyz\r\n");
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      success: false,
      code: 40001,
      msg: "File size exceeds the limit of 100MB",
    });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("counts streamed bytes and leaves no partial file", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sim-files-capped-"));
    const capped = await extraSim({ filesDir: dir, fileMaxBytes: 256 * 1024 });
    const good = fixture("good.mp4");
    const head = `--xyz\r\nContent-Disposition: form-data; name="file"; filename="good.mp4"\r\n\r\n`;
    const parts = [Buffer.from(head), good, Buffer.from("\r\n--xyz--\r\n")];
    // A stream body has no Content-Length, so only the byte count can catch it.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else controller.close();
      },
    });
    const res = await fetch(`${capped.url}/api/v1/files/upload/stream`, {
      method: "POST",
      headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "multipart/form-data; boundary=xyz" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ success: false, code: 40001, msg: "File size exceeds the limit of 256KB" });
    expect(filesUnder(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("quota", () => {
  it("reports usage and answers HTTP 200 with success:false once it is used up", async () => {
    const small = await extraSim({ fileQuota: 1 });
    const quota = async (): Promise<unknown> =>
      (await fetch(`${small.url}/api/v1/files/quota`, { headers: { Authorization: `Bearer ${KEY}` } })).json();
    const data = (used: number): unknown => ({
      success: true,
      code: 200,
      data: {
        user_group: "default",
        used_files: used,
        max_files: 1,
        remain_files: 1 - used,
        is_custom: false,
        quota_reason: "",
      },
    });
    expect(await quota()).toEqual(data(0));
    expect((await upload(fixture("still.png"), "a.png", {}, small)).status).toBe(200);
    expect(await quota()).toEqual(data(1));
    const full = await upload(fixture("still.png"), "b.png", {}, small);
    expect(full.status).toBe(200);
    expect(await full.json()).toEqual({ success: false, code: 40003, msg: "File quota exceeded" });
    expect((await fetch(`${small.url}/api/v1/files/quota`)).status).toBe(401);
  });
});

describe("introspection", () => {
  it("logs uploads without keys; reset forgets files; close removes its own folder", async () => {
    const own = await startSimulator({ apiKey: KEY, publicFilesBase: "", now: () => clock });
    expect(existsSync(own.filesDir)).toBe(true);
    const ok = await upload(fixture("still.png"), "a.png", { file_name: "a.png" }, own);
    const { file_url: url } = ((await ok.json()) as { data: Uploaded }).data;
    await upload(Buffer.from("text"), "b.txt", {}, own);
    const text = await (await fetch(`${own.url}/__sim/log`)).text();
    expect(text).not.toContain(KEY);
    expect((JSON.parse(text) as { uploads: unknown[] }).uploads).toEqual([
      {
        at: clock,
        fileName: "a.png",
        uploadPath: "images",
        size: fixture("still.png").length,
        mime: "image/png",
        status: 200,
        code: 200,
      },
      { at: clock, fileName: null, uploadPath: null, size: 4, mime: null, status: 400, code: 40002 },
    ]);
    await fetch(`${own.url}/__sim/reset`, { method: "POST" });
    expect((await fetch(url)).status).toBe(404);
    expect(filesUnder(own.filesDir)).toEqual([]);
    await own.close();
    expect(existsSync(own.filesDir)).toBe(false);
  });
});

describe("expiry", () => {
  it("stops serving an upload 72 h later", async () => {
    const { file_url: url, download_url: download } = await uploaded(fixture("good.mp4"), "good.mp4");
    clock += 72 * HOUR - 1000;
    expect((await fetch(url, { headers: { Range: "bytes=0-9" } })).status).toBe(206);
    clock += 1000;
    expect((await fetch(url)).status).toBe(404);
    expect(await (await fetch(download)).json()).toEqual({ success: false, code: 404, msg: "File not found" });
  });

  it("answers 404 for traversal attempts and unknown paths", async () => {
    for (const p of [
      "/files/../package.json",
      "/files/..%2f..%2fpackage.json",
      "/files/%2e%2e/%2e%2e/etc/passwd",
      "/files/videos/",
    ]) {
      expect((await fetch(`${sim.url}${p}`)).status).toBe(404);
    }
    expect((await fetch(`${sim.url}/api/v1/files/download/file_nothing`)).status).toBe(404);
  });
});
