import { imageSize } from "image-size";
import { BlobSource, FilePathSource, Input, MP4, QTFF } from "mediabunny";
import { blobSource, BoxScanError, scanBoxes, type BoxSummary } from "./box-scan";
import { IMAGE_RULES, type ImageFacts, type ImageType, type VideoFacts } from "./rules";
import { readVideoFacts, type DemuxResult } from "./video-facts.mjs";

/**
 * Why a file could not be read as a reference, phrased for the person who chose it. From the isolated
 * probe only: `limit`, its demuxer ran out of time or memory (or died) before it could tell; `busy`, no
 * free slot.
 */
export class MediaProbeError extends Error {
  constructor(
    message: string,
    readonly kind: "type" | "unreadable" | "limit" | "busy",
  ) {
    super(message);
    this.name = "MediaProbeError";
  }
}

/**
 * Reads container facts with a real demuxer (mediabunny, in video-facts.mjs): MP4/MOV by content,
 * duration, display size and the average frame rate from the packets. Takes a Blob in the browser and a
 * file path on the server. The box tree is checked first (box-scan), so the demuxer never sees counts the
 * file cannot hold. This runs in the caller's process; for an upload, use isolated-probe, which runs the
 * demuxer in a child process bounded in time and memory.
 */
export async function probeVideo(file: Blob | string, sizeBytes: number): Promise<VideoFacts> {
  const { videoSamples } = await checkVideoStructure(file);
  const source = typeof file === "string" ? new FilePathSource(file) : new BlobSource(file);
  const result = await readVideoFacts(source).catch((): DemuxResult => ({ kind: "error" }));
  return factsFrom(result, videoSamples, sizeBytes);
}

const UNREADABLE =
  "The video could not be read: it may be truncated or damaged (an MP4 needs its moov index). Export it again.";

/**
 * What every probe does in-process before the demuxer: MP4/MOV by content (the demuxer's own sniff,
 * which reads at most ten box headers), then the bounded box-tree check. Throws MediaProbeError.
 */
export async function checkVideoStructure(file: Blob | string): Promise<BoxSummary> {
  const input = new Input({
    source: typeof file === "string" ? new FilePathSource(file) : new BlobSource(file),
    formats: [MP4, QTFF],
  });
  try {
    if (!(await input.canRead().catch(() => false))) throw typeError();
  } finally {
    input.dispose();
  }
  try {
    return typeof file === "string" ? await scanFile(file) : await scanBoxes(blobSource(file));
  } catch (error) {
    throw new MediaProbeError(error instanceof BoxScanError ? error.message : UNREADABLE, "unreadable");
  }
}

/** The demuxer's answer as the studio's facts, or the MediaProbeError that explains it. */
export function factsFrom(result: DemuxResult, videoSamples: number, sizeBytes: number): VideoFacts {
  if (result.kind === "facts") return { ...result.facts, frameCount: videoSamples, sizeBytes };
  if (result.kind === "type") throw typeError();
  if (result.kind === "no-track") {
    throw new MediaProbeError(
      "No readable video track: the file may be truncated (an MP4 needs its moov index) or audio-only. Export it again.",
      "unreadable",
    );
  }
  throw new MediaProbeError(UNREADABLE, "unreadable");
}

const typeError = () =>
  new MediaProbeError("This is not an MP4 or MOV video (checked by content, not by name).", "type");

async function scanFile(filePath: string): Promise<BoxSummary> {
  // A path is only ever given on the server; the bundler must not pull Node's fs into the browser chunk.
  const { open } = (await import(
    /* webpackIgnore: true */ /*turbopackIgnore: true*/ "node:fs/promises"
  )) as typeof import("node:fs/promises");
  const handle = await open(filePath, "r");
  try {
    const { size } = await handle.stat();
    const read = async (offset: number, length: number) => {
      const buffer = new Uint8Array(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    };
    return await scanBoxes({ size, read });
  } finally {
    await handle.close();
  }
}

const IMAGE_TYPES: Record<string, ImageType> = { jpg: "jpg", png: "png", webp: "webp", gif: "gif" };

/** Image type and size from the file's own bytes. */
export function probeImage(bytes: Uint8Array, sizeBytes: number): ImageFacts {
  let result: ReturnType<typeof imageSize>;
  try {
    result = imageSize(bytes);
  } catch {
    throw new MediaProbeError("This is not an image the studio can read. Use JPG, PNG, WebP or GIF.", "type");
  }
  const type = IMAGE_TYPES[result.type ?? ""];
  if (!type) {
    throw new MediaProbeError(
      `This is a ${String(result.type).toUpperCase()} image; use ${IMAGE_RULES.types.map((t) => t.toUpperCase()).join(", ")}.`,
      "type",
    );
  }
  // EXIF orientations 5–8 rotate by 90°, swapping the displayed sides.
  const rotated = (result.orientation ?? 1) >= 5;
  return {
    type,
    width: rotated ? result.height : result.width,
    height: rotated ? result.width : result.height,
    sizeBytes,
  };
}

export interface SniffedType {
  extension: "mp4" | "mov" | ImageType;
  mime: string;
}

const QUICKTIME_FIRST_ATOMS = ["moov", "mdat", "wide", "free", "skip", "pnot"];

/**
 * The file's type from its first bytes (at least 16), for naming it before the whole file has
 * arrived; the full probe afterwards must agree.
 */
export function sniffMediaType(head: Uint8Array, kind: "video" | "image"): SniffedType | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (kind === "video") {
    if (ascii(4, 8) === "ftyp")
      return ascii(8, 12) === "qt  "
        ? { extension: "mov", mime: "video/quicktime" }
        : { extension: "mp4", mime: "video/mp4" };
    return QUICKTIME_FIRST_ATOMS.includes(ascii(4, 8)) ? { extension: "mov", mime: "video/quicktime" } : null;
  }
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return { extension: "jpg", mime: "image/jpeg" };
  if (ascii(1, 4) === "PNG" && head[0] === 0x89) return { extension: "png", mime: "image/png" };
  if (ascii(0, 4) === "GIF8") return { extension: "gif", mime: "image/gif" };
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WEBP") return { extension: "webp", mime: "image/webp" };
  return null;
}
