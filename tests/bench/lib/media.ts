/**
 * The benchmark's reference video: a real H.264 MP4 made with ffmpeg at bench time (never committed)
 * and cached next to a sidecar describing how it was made, so a change of spec regenerates it.
 */
import { execFile } from "node:child_process";
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface VideoSpec {
  width: number;
  height: number;
  fps: number;
  /** Upper bound on length; with maxBytes the file stops growing at the byte cap first. */
  seconds: number;
  /** Constant video bitrate (filler-padded CBR), e.g. "80M". */
  bitrate: string;
  /** ffmpeg -fs: stop writing at this many bytes (the moov box is added after). */
  maxBytes?: number;
}

export interface VideoFacts {
  path: string;
  sizeBytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  fps: number;
}

async function probe(file: string): Promise<VideoFacts> {
  const { stdout } = await run("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "stream=width,height,r_frame_rate:format=duration,size",
    "-of",
    "json",
    file,
  ]);
  const info = JSON.parse(stdout) as {
    streams?: Array<{ width: number; height: number; r_frame_rate: string }>;
    format?: { duration: string; size: string };
  };
  const stream = info.streams?.[0];
  if (!stream || !info.format) throw new Error(`${file} has no video stream`);
  const [num = 0, den = 1] = stream.r_frame_rate.split("/").map(Number);
  return {
    path: file,
    sizeBytes: Number(info.format.size),
    durationSeconds: Number(info.format.duration),
    width: stream.width,
    height: stream.height,
    fps: den ? num / den : 0,
  };
}

/** Makes (or reuses) `file` from a testsrc2 pattern; returns its probed facts. */
export async function ensureVideo(
  file: string,
  spec: VideoSpec,
  log: (line: string) => void = () => undefined,
): Promise<VideoFacts> {
  const sidecar = `${file}.json`;
  const wanted = JSON.stringify(spec);
  if (existsSync(file) && existsSync(sidecar) && readFileSync(sidecar, "utf8") === wanted) {
    try {
      const facts = await probe(file);
      if (facts.sizeBytes === statSync(file).size && facts.durationSeconds >= 3) return facts;
    } catch {
      // Unreadable: make it again.
    }
  }
  log(
    `generating ${file} (${spec.width}x${spec.height} ${spec.fps} fps, ${spec.bitrate}, ≤ ${spec.seconds} s${spec.maxBytes ? `, ≤ ${spec.maxBytes} bytes` : ""}) with ffmpeg…`,
  );
  const partial = `${file}.part.mp4`;
  rmSync(partial, { force: true });
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`,
    "-t",
    String(spec.seconds),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    "yuv420p",
    "-b:v",
    spec.bitrate,
    "-minrate",
    spec.bitrate,
    "-maxrate",
    spec.bitrate,
    "-bufsize",
    spec.bitrate,
    "-x264-params",
    "nal-hrd=cbr:filler=1",
    ...(spec.maxBytes ? ["-fs", String(spec.maxBytes)] : []),
    partial,
  ];
  await run("ffmpeg", args, { timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
  renameSync(partial, file);
  writeFileSync(sidecar, wanted);
  const facts = await probe(file);
  if (facts.durationSeconds < 3) throw new Error(`${file} is only ${facts.durationSeconds} s long`);
  return facts;
}
