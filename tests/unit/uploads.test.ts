import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST } from "@/app/api/uploads/route";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";
import { ERROR_CATALOG, type ErrorCode, type StudioErrorBody } from "@/lib/errors";
import { PROBE_LIMITS } from "@/lib/server/media/isolated-probe";
import { probeImage, probeVideo } from "@/lib/media/probe";
import { DEFAULT_VIDEO_UPLOAD_MAX_BYTES, IMAGE_RULES } from "@/lib/media/rules";
import type { UploadLogEntry } from "@/lib/simulator/log";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { spoolDir } from "@/lib/server/uploads/spool";
import {
  receiveUpload,
  rejectByHeaders,
  videoUploadMaxBytes,
  type UploadKind,
  type UploadOutcome,
} from "@/lib/server/uploads/receive";
import { killerStz2 } from "@/tests/fixtures/crafted-media";
import { ensureFixtures, fixturePath, type FixtureName } from "@/tests/fixtures/media-fixtures";
import { openFilesUnder } from "./open-files";

const KEY = "sk-test-uploads";
const MB = 1024 * 1024;
const CAP_MB = 5;
const ENV_NAMES = [
  "EVOLINK_API_KEY",
  "EVOLINK_API_BASE",
  "EVOLINK_FILES_BASE",
  "UPLOAD_TMP_DIR",
  "UPLOAD_MAX_VIDEO_MB",
  "RATE_LIMIT_UPLOAD_PER_MIN",
] as const;

let sim: RunningSimulator;
let tmpDir: string;
const extraSims: RunningSimulator[] = [];
const savedEnv: Partial<Record<(typeof ENV_NAMES)[number], string | undefined>> = {};

function pointAt(target: RunningSimulator): void {
  process.env.EVOLINK_API_KEY = KEY;
  process.env.EVOLINK_API_BASE = target.url;
  process.env.EVOLINK_FILES_BASE = target.url;
}

function setStudioEnv(): void {
  pointAt(sim);
  process.env.UPLOAD_TMP_DIR = tmpDir;
  process.env.UPLOAD_MAX_VIDEO_MB = String(CAP_MB);
  // This file sends more uploads through the route than one client's budget allows in a minute.
  process.env.RATE_LIMIT_UPLOAD_PER_MIN = "1000";
}

beforeAll(async () => {
  ensureFixtures();
  for (const name of ENV_NAMES) savedEnv[name] = process.env[name];
  tmpDir = mkdtempSync(path.join(os.tmpdir(), "studio-uploads-test-"));
  sim = await startSimulator({ apiKey: KEY, publicFilesBase: "" });
  setStudioEnv();
}, 120_000);

afterEach(() => {
  // Whatever happened in the test, the receiver must have removed its temp file.
  expect(filesUnder(tmpDir)).toEqual([]);
  setStudioEnv();
});

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.join(entry.parentPath, entry.name));

afterAll(async () => {
  for (const name of ENV_NAMES) {
    const value = savedEnv[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all([sim, ...extraSims].map((s) => s?.close()));
  rmSync(tmpDir, { recursive: true, force: true });
});

async function extraSim(options: Parameters<typeof startSimulator>[0]): Promise<RunningSimulator> {
  const extra = await startSimulator({ apiKey: KEY, publicFilesBase: "", ...options });
  extraSims.push(extra);
  return extra;
}

async function simUploads(target: RunningSimulator = sim): Promise<UploadLogEntry[]> {
  const res = await fetch(`${target.url}/__sim/log`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { uploads: UploadLogEntry[] }).uploads;
}

const bytesOf = (name: FixtureName): Buffer => readFileSync(fixturePath(name));

function uploadUrl(kind: string | null): string {
  return kind === null ? "http://studio/api/uploads" : `http://studio/api/uploads?kind=${kind}`;
}

/** A real multipart request as a browser would send it: the file in the field named "file". */
function uploadRequest(kind: string | null, bytes: Uint8Array, fileName: string): Request {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)]), fileName);
  return new Request(uploadUrl(kind), { method: "POST", body: form });
}

const fixtureRequest = (kind: string | null, name: FixtureName, fileName = path.basename(fixturePath(name))): Request =>
  uploadRequest(kind, bytesOf(name), fileName);

async function errorBody(res: Response): Promise<StudioErrorBody> {
  const json = (await res.json()) as { error: StudioErrorBody };
  return json.error;
}

/** The route answers with the catalog's status and a body carrying the code and a detail. */
async function expectRouteError(res: Response, code: ErrorCode, detail?: RegExp): Promise<StudioErrorBody> {
  expect(res.status).toBe(ERROR_CATALOG[code].status);
  const body = await errorBody(res);
  expect(body.code).toBe(code);
  expect(body.message).toBe(ERROR_CATALOG[code].title);
  expect(body.retryable).toBe(ERROR_CATALOG[code].retryable);
  if (detail) expect(body.detail).toMatch(detail);
  return body;
}

function expectFailure(outcome: UploadOutcome, code: ErrorCode): string {
  expect(outcome).toMatchObject({ ok: false, code });
  return (outcome as Extract<UploadOutcome, { ok: false }>).detail;
}

const MULTIPART_TYPE = "multipart/form-data; boundary=----studio-test-boundary";

/** The opening of a multipart body up to the first bytes of the file part. */
function multipartHead(fileName: string): Buffer {
  return Buffer.from(
    `------studio-test-boundary\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      "Content-Type: video/mp4\r\n\r\n",
  );
}

describe("videoUploadMaxBytes", () => {
  it("reads UPLOAD_MAX_VIDEO_MB in megabytes", () => {
    expect(videoUploadMaxBytes()).toBe(CAP_MB * MB);
    process.env.UPLOAD_MAX_VIDEO_MB = "2.5";
    expect(videoUploadMaxBytes()).toBe(Math.round(2.5 * MB));
  });

  it.each([undefined, ""])("falls back to the 100 MB default for %j", (value) => {
    if (value === undefined) delete process.env.UPLOAD_MAX_VIDEO_MB;
    else process.env.UPLOAD_MAX_VIDEO_MB = value;
    expect(videoUploadMaxBytes()).toBe(DEFAULT_VIDEO_UPLOAD_MAX_BYTES);
    expect(DEFAULT_VIDEO_UPLOAD_MAX_BYTES).toBe(100 * MB);
  });

  // A value that makes no sense stops the start (startup.ts parses the configuration first) instead of
  // being quietly replaced by the default.
  it.each(["0", "-3", "lots", "5000"])("refuses %j with a message naming the variable and the range", (value) => {
    process.env.UPLOAD_MAX_VIDEO_MB = value;
    expect(() => videoUploadMaxBytes()).toThrow(
      new RegExp(`UPLOAD_MAX_VIDEO_MB=${value} must .*\\(accepted: more than 0, up to 1024 MB\\); unset it to use 100`),
    );
  });
});

describe("rejectByHeaders", () => {
  const headers = (length: number | null, type = MULTIPART_TYPE): Headers => {
    const h = new Headers({ "content-type": type });
    if (length !== null) h.set("content-length", String(length));
    return h;
  };

  it("lets a multipart request of plausible size through", () => {
    expect(rejectByHeaders(headers(3 * MB), "video")).toBeNull();
    expect(rejectByHeaders(headers(null), "video")).toBeNull();
    expect(rejectByHeaders(headers(9 * MB), "image")).toBeNull();
  });

  it.each(["application/json", "text/plain", "application/x-www-form-urlencoded", ""])(
    "refuses content type %j as upload_invalid",
    (type) => {
      const outcome = rejectByHeaders(headers(1000, type), "video");
      expect(outcome).toMatchObject({ ok: false, code: "upload_invalid" });
    },
  );

  it("allows 64 kB of multipart framing on top of the cap, and not a byte more", () => {
    const cap = CAP_MB * MB;
    expect(rejectByHeaders(headers(cap + 64 * 1024), "video")).toBeNull();
    expect(rejectByHeaders(headers(cap + 64 * 1024 + 1), "video")).toMatchObject({
      ok: false,
      code: "upload_too_large",
    });
    expect(rejectByHeaders(headers(IMAGE_RULES.maxBytes + 64 * 1024), "image")).toBeNull();
    expect(rejectByHeaders(headers(IMAGE_RULES.maxBytes + 64 * 1024 + 1), "image")).toMatchObject({
      ok: false,
      code: "upload_too_large",
    });
  });

  it("names the declared size, the cap, and for videos the URL alternative", () => {
    const videoDetail = expectFailure(rejectByHeaders(headers(2200 * MB), "video")!, "upload_too_large");
    expect(videoDetail).toContain("2200 MB");
    expect(videoDetail).toContain("5.0 MB");
    expect(videoDetail).toMatch(/public https URL/);
    const imageDetail = expectFailure(rejectByHeaders(headers(2200 * MB), "image")!, "upload_too_large");
    expect(imageDetail).toContain("10 MB");
    expect(imageDetail).not.toMatch(/URL/);
  });
});

describe("a good upload", () => {
  it("forwards a good video under the person's own base name and answers 201 with its URL and facts", async () => {
    const before = (await simUploads()).length;
    const res = await POST(fixtureRequest("video", "goodMp4", "my holiday clip.mp4"));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { fileUrl: string; expiresAt: string | null; facts: Record<string, unknown> };
    const size = statSync(fixturePath("goodMp4")).size;
    expect(body.facts).toEqual(await probeVideo(fixturePath("goodMp4"), size));
    expect(body.facts).toMatchObject({ container: "mp4", width: 1280, height: 720, sizeBytes: size });
    expect(typeof body.expiresAt).toBe("string");

    const uploads = await simUploads();
    expect(uploads).toHaveLength(before + 1);
    const entry = uploads[uploads.length - 1]!;
    expect(entry).toMatchObject({ status: 200, size, mime: "video/mp4" });
    expect(entry.fileName).toMatch(/^my-holiday-clip-[0-9a-f]{8}\.mp4$/);
    expect(body.fileUrl.startsWith(sim.url)).toBe(true);
    expect(body.fileUrl).toContain(entry.fileName!);

    // The file service holds the very bytes that were sent.
    const stored = await fetch(body.fileUrl);
    expect(stored.status).toBe(200);
    expect(Buffer.from(await stored.arrayBuffer()).equals(bytesOf("goodMp4"))).toBe(true);
  });

  it("receiveUpload reports a good MOV as such and names it .mov with the QuickTime type", async () => {
    const before = (await simUploads()).length;
    const outcome = await receiveUpload(fixtureRequest("video", "goodMov", "Portrait Take 2.mov"), "video");
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.facts).toMatchObject({ container: "mov", width: 720, height: 1280 });
    const uploads = await simUploads();
    expect(uploads).toHaveLength(before + 1);
    expect(uploads[uploads.length - 1]).toMatchObject({ status: 200, mime: "video/quicktime" });
    expect(uploads[uploads.length - 1]!.fileName).toMatch(/^Portrait-Take-2-[0-9a-f]{8}\.mov$/);
  });

  it("forwards a good image and answers 201 with its facts", async () => {
    const before = (await simUploads()).length;
    const res = await POST(fixtureRequest("image", "imagePng", "style board.png"));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { fileUrl: string; facts: Record<string, unknown> };
    const size = statSync(fixturePath("imagePng")).size;
    expect(body.facts).toEqual({ type: "png", width: 800, height: 600, sizeBytes: size });
    const uploads = await simUploads();
    expect(uploads).toHaveLength(before + 1);
    const entry = uploads[uploads.length - 1]!;
    expect(entry).toMatchObject({ status: 200, size, mime: "image/png" });
    expect(entry.fileName).toMatch(/^style-board-[0-9a-f]{8}\.png$/);
    expect(body.fileUrl).toContain(entry.fileName!);
  });

  it.each([
    ["imageJpg", "jpg", "image/jpeg"],
    ["imageWebp", "webp", "image/webp"],
    ["imageGif", "gif", "image/gif"],
  ] as const)("accepts the %s fixture as %s", async (name, type, mime) => {
    const outcome = await receiveUpload(fixtureRequest("image", name, `still.${type}`), "image");
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const bytes = bytesOf(name);
    expect(outcome.facts).toEqual(probeImage(bytes, bytes.length));
    const uploads = await simUploads();
    expect(uploads[uploads.length - 1]).toMatchObject({ status: 200, mime });
    expect(uploads[uploads.length - 1]!.fileName).toMatch(new RegExp(`^still-[0-9a-f]{8}\\.${type}$`));
  });

  it("names an image by what it really is: a PNG called .mp4 sent as an image is stored as .png", async () => {
    const outcome = await receiveUpload(fixtureRequest("image", "pngNamedMp4", "really-a-png.mp4"), "image");
    expect(outcome).toMatchObject({ ok: true, facts: { type: "png" } });
    const uploads = await simUploads();
    expect(uploads[uploads.length - 1]!.fileName).toMatch(/^really-a-png-[0-9a-f]{8}\.png$/);
  });

  it("names a file sent without a name 'reference'", async () => {
    const outcome = await receiveUpload(uploadRequest("image", bytesOf("imagePng"), ""), "image");
    expect(outcome.ok).toBe(true);
    const uploads = await simUploads();
    expect(uploads[uploads.length - 1]!.fileName).toMatch(/^reference-[0-9a-f]{8}\.png$/);
  });

  it("stages files in this process's own private folder under UPLOAD_TMP_DIR, making it if needed, and leaves it empty", async () => {
    const nested = path.join(tmpDir, "made-on-demand");
    process.env.UPLOAD_TMP_DIR = nested;
    try {
      const outcome = await receiveUpload(fixtureRequest("image", "imageJpg"), "image");
      expect(outcome.ok).toBe(true);
      const own = spoolDir();
      expect(path.dirname(own)).toBe(nested);
      expect(path.basename(own)).toMatch(new RegExp(`^${process.pid}-[0-9a-f]{12}$`));
      expect(readdirSync(nested)).toEqual([path.basename(own)]);
      expect(statSync(own).mode & 0o777).toBe(0o700);
      expect(readdirSync(own)).toEqual([]);
    } finally {
      rmSync(nested, { recursive: true, force: true });
    }
  });

  it("handles four uploads at once, each under its own name, leaving no temp files", async () => {
    const before = (await simUploads()).length;
    const requests: [UploadKind, FixtureName, string][] = [
      ["video", "goodMp4", "parallel-a.mp4"],
      ["video", "goodMov", "parallel-b.mov"],
      ["image", "imagePng", "parallel-c.png"],
      ["video", "goodMp4", "parallel-d.mp4"],
    ];
    const responses = await Promise.all(
      requests.map(([kind, name, fileName]) => POST(fixtureRequest(kind, name, fileName))),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const urls = await Promise.all(responses.map(async (r) => ((await r.json()) as { fileUrl: string }).fileUrl));
    expect(new Set(urls).size).toBe(4);

    const fresh = (await simUploads()).slice(before);
    expect(fresh).toHaveLength(4);
    expect(fresh.every((entry) => entry.status === 200)).toBe(true);
    const names = fresh.map((entry) => entry.fileName!.replace(/-[0-9a-f]{8}\./, ".")).sort();
    expect(names).toEqual(["parallel-a.mp4", "parallel-b.mov", "parallel-c.png", "parallel-d.mp4"]);
    for (const url of urls) expect(fresh.some((entry) => url.includes(entry.fileName!))).toBe(true);
  });
});

describe("requests refused before the file is looked at", () => {
  it.each([null, "", "audio", "VIDEO"])("answers 400 upload_invalid for kind %j", async (kind) => {
    const before = (await simUploads()).length;
    const res = await POST(fixtureRequest(kind, "goodMp4"));
    await expectRouteError(res, "upload_invalid", /kind=video/);
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers 400 upload_invalid for a body that is not multipart", async () => {
    const request = () =>
      new Request(uploadUrl("video"), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ file: "clip.mp4" }),
      });
    expect(expectFailure(await receiveUpload(request(), "video"), "upload_invalid")).toMatch(/multipart\/form-data/);
    await expectRouteError(await POST(request()), "upload_invalid", /multipart\/form-data/);
  });

  it("answers 400 upload_invalid for a multipart body without a file field", async () => {
    const form = new FormData();
    form.append("note", "no file here");
    const outcome = await receiveUpload(new Request(uploadUrl("video"), { method: "POST", body: form }), "video");
    expect(expectFailure(outcome, "upload_invalid")).toMatch(/field named file/);
  });

  it("answers 400 upload_invalid when the file is in another field", async () => {
    const form = new FormData();
    form.append("video", new Blob([new Uint8Array(bytesOf("goodMp4"))]), "clip.mp4");
    const before = (await simUploads()).length;
    const res = await POST(new Request(uploadUrl("video"), { method: "POST", body: form }));
    await expectRouteError(res, "upload_invalid");
    expect(await simUploads()).toHaveLength(before);
  });

  it("refuses a Content-Length of 2200 MB with 413 without reading the body", async () => {
    const pulls: number[] = [];
    const makeRequest = (declared: number) => {
      // highWaterMark 0: nothing is pulled until someone reads.
      const body = new ReadableStream<Uint8Array>(
        {
          pull(controller) {
            pulls.push(declared);
            controller.enqueue(multipartHead("huge.mp4"));
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
      return new Request(uploadUrl("video"), {
        method: "POST",
        headers: { "content-type": MULTIPART_TYPE, "content-length": String(declared) },
        body,
        duplex: "half",
      } as RequestInit);
    };
    const huge = 2200 * MB;

    const outcome = await receiveUpload(makeRequest(huge), "video");
    expect(expectFailure(outcome, "upload_too_large")).toContain("2200 MB");
    const body = await expectRouteError(await POST(makeRequest(huge)), "upload_too_large", /5\.0 MB/);
    expect(body.detail).toContain("2200 MB");
    expect(pulls).toEqual([]);

    // The same stream with a plausible length is read, so the probe above would have seen a pull.
    const small = await receiveUpload(makeRequest(1000), "video");
    expect(small.ok).toBe(false);
    expect(pulls).toEqual([1000]);
  });
});

describe("files refused by size", () => {
  it("answers 413 for a real file over the 5 MB cap, and the file service receives nothing", async () => {
    expect(statSync(fixturePath("bigClip")).size).toBeGreaterThan(CAP_MB * MB);
    const before = (await simUploads()).length;
    const res = await POST(fixtureRequest("video", "bigClip"));
    const body = await expectRouteError(res, "upload_too_large", /5\.0 MB/);
    expect(body.detail).toMatch(/public https URL/);
    expect(await simUploads()).toHaveLength(before);
  });

  it("counts the bytes itself, so a Content-Length that understates the file does not help", async () => {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytesOf("bigClip"))]), "big.mp4");
    const encoded = new Response(form);
    const type = encoded.headers.get("content-type")!;
    const bytes = new Uint8Array(await encoded.arrayBuffer());
    const before = (await simUploads()).length;
    const request = new Request(uploadUrl("video"), {
      method: "POST",
      headers: { "content-type": type, "content-length": "1000" },
      body: bytes,
    });
    expect(request.headers.get("content-length")).toBe("1000");
    expectFailure(await receiveUpload(request, "video"), "upload_too_large");
    expect(await simUploads()).toHaveLength(before);
  });

  it("holds videos to UPLOAD_MAX_VIDEO_MB: the same 3 MB clip is refused under a 2 MB cap", async () => {
    process.env.UPLOAD_MAX_VIDEO_MB = "2";
    const before = (await simUploads()).length;
    const outcome = await receiveUpload(fixtureRequest("video", "goodMp4"), "video");
    expect(expectFailure(outcome, "upload_too_large")).toContain("2.0 MB");
    expect(await simUploads()).toHaveLength(before);
  });
});

describe("hostile videos and the probe's limits", () => {
  const withLimits = async (limits: Partial<typeof PROBE_LIMITS>, run: () => Promise<void>) => {
    const saved = { ...PROBE_LIMITS };
    Object.assign(PROBE_LIMITS, limits);
    try {
      await run();
    } finally {
      Object.assign(PROBE_LIMITS, saved);
    }
  };

  // Through receiveUpload (the route's own function) rather than POST: the suite's uploads stay within the route's rate budget.
  it("answers 422 for the 9 kB stz2 killer, stores nothing upstream, and the next good upload passes", async () => {
    const before = (await simUploads()).length;
    const detail = expectFailure(
      await receiveUpload(uploadRequest("video", killerStz2(), "killer.mp4"), "video"),
      "media_rule_violation",
    );
    expect(detail).toMatch(/'stz2' has a field size of 0 bits.*Export it again/);
    expect(await simUploads()).toHaveLength(before);
    expect(await receiveUpload(fixtureRequest("video", "goodMp4"), "video")).toMatchObject({ ok: true });
  });

  it("answers 422 media_probe_failed when the probe runs out of time", async () => {
    await withLimits({ timeoutMs: 1 }, async () => {
      const before = (await simUploads()).length;
      expect(
        expectFailure(await receiveUpload(fixtureRequest("video", "goodMp4"), "video"), "media_probe_failed"),
      ).toMatch(/took longer than/);
      expect(await simUploads()).toHaveLength(before);
    });
  });

  it("answers 422 media_probe_failed when the probe runs out of memory", async () => {
    await withLimits({ maxHeapMb: 2 }, async () => {
      const detail = expectFailure(
        await receiveUpload(fixtureRequest("video", "goodMp4"), "video"),
        "media_probe_failed",
      );
      expect(detail).toMatch(/more than 2 MB of memory/);
    });
  });

  it("answers media_probe_busy (503 in the catalog) when no probe slot is free", async () => {
    await withLimits({ concurrency: 0, maxWaiting: 0 }, async () => {
      const detail = expectFailure(
        await receiveUpload(fixtureRequest("video", "goodMp4"), "video"),
        "media_probe_busy",
      );
      expect(detail).toMatch(/checking other videos/);
    });
    expect(ERROR_CATALOG.media_probe_busy.status).toBe(503);
  });
});

describe("files refused by content", () => {
  it("answers 415 unsupported_file_type for a PNG named .mp4 sent as a video", async () => {
    const before = (await simUploads()).length;
    const res = await POST(fixtureRequest("video", "pngNamedMp4"));
    await expectRouteError(res, "unsupported_file_type", /not an MP4 or MOV/);
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers 415 for a text file named .mov", async () => {
    const before = (await simUploads()).length;
    await expectRouteError(await POST(fixtureRequest("video", "textNamedMov")), "unsupported_file_type");
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers 415 for a video sent as an image", async () => {
    await expectRouteError(await POST(fixtureRequest("image", "goodMp4")), "unsupported_file_type");
  });

  it("answers 422 media_rule_violation for a truncated MP4, saying it may be truncated", async () => {
    const before = (await simUploads()).length;
    await expectRouteError(await POST(fixtureRequest("video", "truncatedMp4")), "media_rule_violation", /truncated/);
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers 422 for a 2 s clip, naming the 3 s minimum", async () => {
    const before = (await simUploads()).length;
    const body = await expectRouteError(await POST(fixtureRequest("video", "shortClip")), "media_rule_violation");
    expect(body.detail).toContain("at least 3 s");
    expect(body.detail).toContain("2 s long");
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers 422 for a 640×480 clip, naming its size", async () => {
    const body = await expectRouteError(await POST(fixtureRequest("video", "smallClip")), "media_rule_violation");
    expect(body.detail).toContain("640×480");
    expect(body.detail).toContain("720–2160 px");
  });

  it("answers 422 for a 15 fps clip, naming its frame rate", async () => {
    const body = await expectRouteError(await POST(fixtureRequest("video", "slowClip")), "media_rule_violation");
    expect(body.detail).toContain("15 fps");
  });

  it("answers 422 for an image that is too small, naming its size", async () => {
    const before = (await simUploads()).length;
    const body = await expectRouteError(await POST(fixtureRequest("image", "imageTiny")), "media_rule_violation");
    expect(body.detail).toContain("200×200");
    expect(body.detail).toContain("at least 300 px");
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers 422 for an image that is too tall for the aspect rule", async () => {
    const body = await expectRouteError(await POST(fixtureRequest("image", "imageTall")), "media_rule_violation");
    expect(body.detail).toContain("aspect ratio is 1:4 (300×1200)");
  });
});

describe("a body that breaks off", () => {
  it("answers upload_interrupted when the stream errors half way through the file", async () => {
    const makeRequest = () => {
      const chunks = [
        multipartHead("clip.mp4"),
        bytesOf("goodMp4").subarray(0, 200_000),
        bytesOf("goodMp4").subarray(200_000, 400_000),
      ];
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(new Uint8Array(next));
          else controller.error(new Error("connection reset by peer"));
        },
      });
      return new Request(uploadUrl("video"), {
        method: "POST",
        headers: { "content-type": MULTIPART_TYPE },
        body,
        duplex: "half",
      } as RequestInit);
    };
    const before = (await simUploads()).length;
    expectFailure(await receiveUpload(makeRequest(), "video"), "upload_interrupted");
    await expectRouteError(await POST(makeRequest()), "upload_interrupted");
    expect(await simUploads()).toHaveLength(before);
  });

  it("answers upload_interrupted when the body ends before the closing boundary", async () => {
    const bytes = Buffer.concat([multipartHead("clip.mp4"), bytesOf("goodMp4").subarray(0, 100_000)]);
    const request = new Request(uploadUrl("video"), {
      method: "POST",
      headers: { "content-type": MULTIPART_TYPE },
      body: new Uint8Array(bytes),
    });
    expectFailure(await receiveUpload(request, "video"), "upload_interrupted");
  });
});

describe("a body that stops sending", () => {
  const LIMIT_NAMES = ["UPLOAD_IDLE_TIMEOUT_MS", "UPLOAD_MAX_CONCURRENT_PER_CLIENT", "UPLOAD_MAX_CONCURRENT"] as const;
  function withLimits(limits: Partial<Record<(typeof LIMIT_NAMES)[number], number>>): () => void {
    const before = LIMIT_NAMES.map((name) => [name, process.env[name]] as const);
    for (const [name, value] of Object.entries(limits)) process.env[name] = String(value);
    return () => {
      for (const [name, value] of before) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    };
  }

  /** A video upload that sends its head and 300 kB, then nothing, never ending. */
  const stalledRequest = () => {
    const chunks = [multipartHead("clip.mp4"), bytesOf("goodMp4").subarray(0, 300_000)];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next) controller.enqueue(new Uint8Array(next));
        else return new Promise<void>(() => undefined);
      },
    });
    return new Request(uploadUrl("video"), {
      method: "POST",
      headers: { "content-type": MULTIPART_TYPE },
      body,
      duplex: "half",
    } as RequestInit);
  };

  it("drops it after UPLOAD_IDLE_TIMEOUT_MS with upload_stalled (408): temp file closed and removed, nothing stored upstream", async () => {
    const restore = withLimits({ UPLOAD_IDLE_TIMEOUT_MS: 400 });
    try {
      const before = (await simUploads()).length;
      const startedAt = Date.now();
      const detail = expectFailure(await receiveUpload(stalledRequest(), "video"), "upload_stalled");
      expect(detail).toMatch(/No data arrived for 0\.4 s/);
      expect(Date.now() - startedAt).toBeLessThan(5_000);
      const res = await POST(stalledRequest());
      expect(res.status).toBe(408);
      await expectRouteError(res, "upload_stalled");
      await expect
        .poll(() => openFilesUnder(tmpDir).filter((target) => target.includes(".part")), { timeout: 5000 })
        .toEqual([]);
      expect(await simUploads()).toHaveLength(before);
    } finally {
      restore();
    }
  });

  it("lets a slow body through as long as bytes keep coming (it is an idle timeout, not a total one)", async () => {
    const restore = withLimits({ UPLOAD_IDLE_TIMEOUT_MS: 400 });
    try {
      const bytes = Buffer.concat([
        multipartHead("clip.mp4"),
        bytesOf("goodMp4"),
        Buffer.from(`\r\n------studio-test-boundary--\r\n`),
      ]);
      const pieces = 8;
      const step = Math.ceil(bytes.length / pieces);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (sent >= bytes.length) return controller.close();
          await new Promise((resolve) => setTimeout(resolve, 150));
          controller.enqueue(new Uint8Array(bytes.subarray(sent, sent + step)));
          sent += step;
        },
      });
      const request = new Request(uploadUrl("video"), {
        method: "POST",
        headers: { "content-type": MULTIPART_TYPE },
        body,
        duplex: "half",
      } as RequestInit);
      const startedAt = Date.now();
      const outcome = await receiveUpload(request, "video");
      expect(outcome.ok).toBe(true);
      expect(Date.now() - startedAt).toBeGreaterThan(400);
    } finally {
      restore();
    }
  });

  it("refuses uploads beyond the per-client cap with 429 and Retry-After, and frees the slots when the stalled ones are dropped", async () => {
    const restore = withLimits({
      UPLOAD_IDLE_TIMEOUT_MS: 600,
      UPLOAD_MAX_CONCURRENT_PER_CLIENT: 2,
      UPLOAD_MAX_CONCURRENT: 10,
    });
    try {
      const stalled = [POST(stalledRequest()), POST(stalledRequest())];
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await POST(fixtureRequest("image", "imagePng"));
      expect(refused.headers.get("retry-after")).toBe("5");
      await expectRouteError(refused, "too_many_uploads", /At most 2 uploads at a time/);
      expect((await Promise.all(stalled)).map((res) => res.status)).toEqual([408, 408]);
      expect((await POST(fixtureRequest("image", "imagePng"))).status).toBe(201);
    } finally {
      restore();
    }
  });

  it("refuses uploads beyond the studio-wide cap with 503 and Retry-After", async () => {
    const restore = withLimits({
      UPLOAD_IDLE_TIMEOUT_MS: 600,
      UPLOAD_MAX_CONCURRENT_PER_CLIENT: 10,
      UPLOAD_MAX_CONCURRENT: 2,
    });
    try {
      const stalled = [POST(stalledRequest()), POST(stalledRequest())];
      await new Promise((resolve) => setTimeout(resolve, 100));
      const refused = await POST(fixtureRequest("image", "imagePng"));
      expect(refused.headers.get("retry-after")).toBe("5");
      await expectRouteError(refused, "uploads_busy");
      expect((await Promise.all(stalled)).map((res) => res.status)).toEqual([408, 408]);
      expect((await POST(fixtureRequest("image", "imagePng"))).status).toBe(201);
    } finally {
      restore();
    }
  });
});

describe("the file service refusing", () => {
  it("maps a full file quota to file_quota_exceeded (507)", async () => {
    const full = await extraSim({ fileQuota: 0 });
    pointAt(full);
    const error = await receiveUpload(fixtureRequest("video", "goodMp4"), "video").then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).code).toBe("file_quota_exceeded");
    await expectRouteError(await POST(fixtureRequest("image", "imagePng")), "file_quota_exceeded");
    const uploads = await simUploads(full);
    expect(uploads).toHaveLength(2);
    expect(uploads.every((entry) => entry.code === 40003)).toBe(true);
  });

  it("maps the file service's own size cap to file_too_large (413)", async () => {
    const strict = await extraSim({ fileMaxBytes: 1 * MB });
    pointAt(strict);
    await expectRouteError(await POST(fixtureRequest("video", "goodMp4")), "file_too_large");
    const uploads = await simUploads(strict);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.code).toBe(40001);
  });

  it("maps a storage failure to storage_error (503)", async () => {
    await expectRouteError(await POST(fixtureRequest("image", "imagePng", "sim-storage-error.png")), "storage_error");
  });

  it("maps a rejected API key to unauthorized", async () => {
    process.env.EVOLINK_API_KEY = "sk-wrong-key";
    await expectRouteError(await POST(fixtureRequest("image", "imagePng")), "unauthorized");
  });
});

describe("edge cases found in review", () => {
  it("a multipart header without a boundary is a 400, not a 500", async () => {
    const response = await POST(
      new Request("http://studio/api/uploads?kind=video", {
        method: "POST",
        headers: { "content-type": "multipart/form-data" },
        body: new Uint8Array([1, 2, 3]),
      }),
    );
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe("upload_invalid");
  });
});

describe("the cap itself", () => {
  it("accepts a video of exactly the cap, and refuses one byte more", async () => {
    const size = statSync(fixturePath("goodMp4")).size;
    const saved = process.env.UPLOAD_MAX_VIDEO_MB;
    try {
      process.env.UPLOAD_MAX_VIDEO_MB = String(size / (1024 * 1024));
      expect((await receiveUpload(fixtureRequest("video", "goodMp4"), "video")).ok).toBe(true);
      process.env.UPLOAD_MAX_VIDEO_MB = String((size - 1) / (1024 * 1024));
      expectFailure(await receiveUpload(fixtureRequest("video", "goodMp4"), "video"), "upload_too_large");
    } finally {
      process.env.UPLOAD_MAX_VIDEO_MB = saved;
    }
  });

  it("closes the temp file of a refused oversized upload (no open handle to a deleted file)", async () => {
    const dir = process.env.UPLOAD_TMP_DIR ?? "";
    const openTemp = () => openFilesUnder(dir).filter((target) => target.includes(".part"));
    const before = new Set(openTemp());
    expectFailure(await receiveUpload(fixtureRequest("video", "bigClip"), "video"), "upload_too_large");
    await expect.poll(() => openTemp().filter((target) => !before.has(target)), { timeout: 5000 }).toEqual([]);
    // Earlier tests' uploads (interrupted, refused, lying Content-Length) must not have left any either.
    expect([...before]).toEqual([]);
  });
});
