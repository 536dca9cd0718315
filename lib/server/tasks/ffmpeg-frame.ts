import "server-only";
import { spawn } from "node:child_process";
import { setPriority } from "node:os";
import { stat } from "node:fs/promises";

// Why the system's ffmpeg: README, "A long history: pages, posters, search, stars". Posters and reference
// thumbnails both come from here.
const FRAME_TIMEOUT_MS = 20_000;

/** ffmpeg could not be started because it is not on PATH. */
export const notInstalled = (error: unknown) =>
  (error as { code?: string }).code === "ENOENT" && /^spawn/.test((error as { syscall?: string }).syscall ?? "");

/**
 * Writes one JPEG frame of `input` (a video, or an image: ffmpeg reads both) at most `maxWidth` px wide; true when
 * ffmpeg exited cleanly and wrote something. Rejects when it cannot start, fails or runs out of time.
 */
export function ffmpegFrame(input: string, output: string, seek: string[], maxWidth: number): Promise<boolean> {
  const args = [
    ...["-hide_banner", "-loglevel", "error", "-nostdin", "-threads", "1", ...seek, "-i", input],
    ...["-frames:v", "1", "-vf", `scale='min(${maxWidth},iw)':-2`, "-q:v", "4", "-update", "1", "-y", output],
  ];
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", args, { stdio: ["ignore", "ignore", "pipe"], timeout: FRAME_TIMEOUT_MS });
    // Background work: the lowest CPU priority, so a burst of finished tasks never slows the studio's requests.
    try {
      if (child.pid !== undefined) setPriority(child.pid, 19);
    } catch {
      // Already gone (it exits in well under a second): nothing to lower.
    }
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (signal) reject(new Error(`ffmpeg was stopped (${signal}) after ${FRAME_TIMEOUT_MS} ms`));
      else if (code !== 0) reject(new Error(`ffmpeg exited with ${code}: ${stderr.trim()}`));
      else resolve(true);
    });
  }).then(async () => Boolean((await stat(output).catch(() => null))?.size));
}
