import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

const KEY = "sk-test-references";
let clock = Date.parse("2026-05-20T04:00:00.000Z");
let fixtures: string;
let sim: RunningSimulator;

beforeAll(async () => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), "sim-references-fixtures-"));
  const ffmpeg = (args: string): void => {
    execFileSync("ffmpeg", ["-y", "-loglevel", "error", ...args.split(" ")], { cwd: fixtures });
  };
  const clip = (size: string, rate: number, seconds: number, name: string): void =>
    ffmpeg(
      `-f lavfi -i testsrc2=size=${size}:rate=${rate} -t ${seconds} -c:v libx264 -preset ultrafast -pix_fmt yuv420p ${name}`,
    );
  clip("1280x720", 24, 4, "good.mp4");
  clip("1280x720", 24, 2, "short.mp4");
  clip("640x480", 24, 4, "small.mp4");
  clip("1280x720", 15, 4, "slow.mp4");
  ffmpeg("-f lavfi -i testsrc2=size=1280x720 -frames:v 1 still.png");
  ffmpeg("-f lavfi -i testsrc2=size=200x200 -frames:v 1 tiny.png");
  // No faststart, so the first 200 kB lack the moov index: an MP4 by its bytes, unreadable as a video.
  writeFileSync(
    path.join(fixtures, "truncated.mp4"),
    readFileSync(path.join(fixtures, "good.mp4")).subarray(0, 200_000),
  );
  sim = await startSimulator({ apiKey: KEY, publicFilesBase: "", now: () => clock });
}, 60_000);

afterAll(async () => {
  await sim.close();
  rmSync(fixtures, { recursive: true, force: true });
});

interface Uploaded {
  file_url: string;
  download_url: string;
  mime_type: string;
}

async function upload(name: string): Promise<Uploaded> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(readFileSync(path.join(fixtures, name)))]), name);
  const res = await fetch(`${sim.url}/api/v1/files/upload/stream`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}` },
    body: form,
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { data: Uploaded }).data;
}

function create(videoUrl: string, imageUrls?: string[]): Promise<Response> {
  return fetch(`${sim.url}/v1/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      model: "kling-o3-reference-to-video",
      prompt: "A cat in the style of <<<video_1>>>",
      video_url: videoUrl,
      ...(imageUrls ? { image_urls: imageUrls } : {}),
    }),
  });
}

type ApiError = { code: string; message: string; type: string; param: string };

async function rejection(res: Response): Promise<ApiError> {
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: ApiError }).error;
}

describe("references stored on the simulator are probed at generation time", () => {
  it("accepts a good clip and a good image, by file_url or download_url", async () => {
    const video = await upload("good.mp4");
    const image = await upload("still.png");
    expect((await create(video.file_url, [image.file_url])).status).toBe(200);
    expect((await create(video.download_url)).status).toBe(200);
  });

  it("does not fetch URLs on other hosts", async () => {
    expect((await create("https://files.evolink.ai/videos/2s.mp4")).status).toBe(200);
  });

  const violations: [string, string][] = [
    ["short.mp4", "at least 3 s"],
    ["small.mp4", "720–2160"],
    ["slow.mp4", "24–60 fps"],
    ["still.png", "not an MP4 or MOV"],
  ];
  it.each(violations)("rejects %s with invalid_parameter mentioning %s", async (name, text) => {
    const error = await rejection(await create((await upload(name)).file_url));
    expect(error).toMatchObject({ code: "invalid_parameter", type: "invalid_request_error", param: "video_url" });
    expect(error.message).toContain(text);
  });

  it("answers video_probe_failed for an MP4 it cannot read", async () => {
    const truncated = await upload("truncated.mp4");
    expect(truncated.mime_type).toBe("video/mp4");
    expect(await rejection(await create(truncated.file_url))).toEqual({
      code: "video_probe_failed",
      message: "Failed to detect video duration, please check video URL accessibility",
      type: "invalid_request_error",
      param: "video_url",
    });
  });

  it("rejects images that break the rules or are not images", async () => {
    const video = await upload("good.mp4");
    const images = [(await upload("still.png")).file_url, (await upload("tiny.png")).file_url];
    const tiny = await rejection(await create(video.file_url, images));
    expect(tiny).toMatchObject({ code: "invalid_parameter", param: "image_urls" });
    expect(tiny.message).toBe("image_urls[1]: The image is 200×200; each side must be at least 300 px.");
    const notImage = await rejection(await create(video.file_url, [video.file_url]));
    expect(notImage.message).toMatch(/^image_urls\[0\]: /);
  });

  it("rejects unknown and expired files as not downloadable", async () => {
    expect(await rejection(await create(`${sim.url}/files/videos/nothing.mp4`))).toEqual({
      code: "invalid_parameter",
      message: "video_url could not be downloaded: HTTP 404 Not Found",
      type: "invalid_request_error",
      param: "video_url",
    });
    const video = await upload("good.mp4");
    const image = await rejection(await create(video.file_url, [`${sim.url}/files/images/none.png`]));
    expect(image).toMatchObject({ code: "invalid_parameter", param: "image_urls" });
    expect(image.message).toBe("image_urls[0] could not be downloaded: HTTP 404 Not Found");

    clock += 72 * 60 * 60 * 1000;
    const expired = await rejection(await create(video.file_url));
    expect(expired).toMatchObject({ code: "invalid_parameter", param: "video_url" });
    expect(expired.message).toBe("video_url could not be downloaded: HTTP 404 Not Found");
  });
});
