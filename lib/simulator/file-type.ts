import { open } from "node:fs/promises";
import { MediaProbeError, probeImage, probeVideo } from "../media/probe";
import type { ImageType } from "../media/rules";

/** Enough for image headers (JPEG EXIF comes before the size) and the MP4/MOV brand. */
const HEAD_BYTES = 512 * 1024;

export interface DetectedType {
  mime: string;
  ext: string;
  kind: "image" | "video";
}

const IMAGES: Record<ImageType, DetectedType> = {
  jpg: { mime: "image/jpeg", ext: "jpg", kind: "image" },
  png: { mime: "image/png", ext: "png", kind: "image" },
  gif: { mime: "image/gif", ext: "gif", kind: "image" },
  webp: { mime: "image/webp", ext: "webp", kind: "image" },
};
const MP4: DetectedType = { mime: "video/mp4", ext: "mp4", kind: "video" };
const MOV: DetectedType = { mime: "video/quicktime", ext: "mov", kind: "video" };

export async function readHead(filePath: string): Promise<Uint8Array> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function hasQuickTimeBrand(head: Uint8Array): boolean {
  return Buffer.from(head.subarray(4, 12)).toString("latin1") === "ftypqt  ";
}

/**
 * The type by content, or null when it is not allowed: JPG/PNG/GIF/WebP, else MP4/MOV. A container the
 * demuxer recognises but cannot fully read is still accepted, as a byte sniffer would; the generation
 * request is where it then fails (video_probe_failed).
 */
export async function detectType(filePath: string, size: number): Promise<DetectedType | null> {
  const head = await readHead(filePath);
  try {
    return IMAGES[probeImage(head, size).type];
  } catch (error) {
    if (!(error instanceof MediaProbeError)) throw error;
  }
  try {
    return (await probeVideo(filePath, size)).container === "mov" ? MOV : MP4;
  } catch (error) {
    if (!(error instanceof MediaProbeError)) throw error;
    if (error.kind === "type") return null;
    return hasQuickTimeBrand(head) ? MOV : MP4;
  }
}
