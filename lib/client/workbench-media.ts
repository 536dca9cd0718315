"use client";
import {
  BlobSource,
  BufferTarget,
  canEncodeAudio,
  canEncodeVideo,
  CanvasSink,
  Conversion,
  ConversionCanceledError,
  Input,
  MP4,
  Mp4OutputFormat,
  Output,
  QTFF,
  Quality,
  type AudioCodec,
} from "mediabunny";
import type { ConformTarget } from "../media/conform";

// The workbench's media work in the browser (WebCodecs through mediabunny): what this browser can do with a
// clip, its timeline thumbnails, and the conversion. Loaded only when the trim and fix tools open.

/** What happens to the clip's sound in a conversion, known before it starts. */
export type SoundPlan =
  { kind: "none" } | { kind: "copy" | "encode"; codec: string } | { kind: "drop"; reason: string };

export interface ClipAbilities {
  /** Why this browser cannot convert the clip, or null when it can. */
  blocker: string | null;
  sound: SoundPlan;
  /** The sound's bits per second (0 when none is kept), for the size budget. */
  audioBitrate: number;
}

const CODEC_NAMES: Record<string, string> = { hevc: "HEVC (H.265)", avc: "H.264", vp9: "VP9", av1: "AV1", vp8: "VP8" };
const codecName = (codec: string | null) => (codec ? (CODEC_NAMES[codec] ?? codec.toUpperCase()) : "unknown");

const openInput = (file: Blob) => new Input({ source: new BlobSource(file), formats: [MP4, QTFF] });

/** Encoders this browser has, tried in order, for sound that cannot be copied into an MP4 as it is. */
const SOUND_ENCODERS: AudioCodec[] = ["aac", "opus"];

async function soundPlan(input: Input): Promise<{ sound: SoundPlan; audioBitrate: number }> {
  const track = await input.getPrimaryAudioTrack();
  if (!track) return { sound: { kind: "none" }, audioBitrate: 0 };
  const stats = await track.computePacketStats(200).catch(() => null);
  const audioBitrate = stats?.averageBitrate ?? 128_000;
  const codec = track.codec;
  // MP4 holds AAC and Opus as they are: the kept range's packets are copied, no encoder needed.
  if (codec && new Mp4OutputFormat().getSupportedAudioCodecs().includes(codec)) {
    return { sound: { kind: "copy", codec: codecName(codec) }, audioBitrate };
  }
  const decodable = await track.canDecode();
  for (const target of SOUND_ENCODERS) {
    if (decodable && (await canEncodeAudio(target))) {
      return { sound: { kind: "encode", codec: codecName(target) }, audioBitrate: 128_000 };
    }
  }
  const reason = `This browser cannot re-encode this clip's ${codecName(codec)} sound into an MP4, so the converted clip will be silent and "Keep original sound" will have nothing to keep.`;
  return { sound: { kind: "drop", reason }, audioBitrate: 0 };
}

/** What this browser can do with the clip: decode its picture, encode H.264, and keep its sound. */
export async function clipAbilities(file: Blob, size: { width: number; height: number }): Promise<ClipAbilities> {
  const input = openInput(file);
  try {
    const video = await input.getPrimaryVideoTrack().catch(() => null);
    if (!video) {
      return { blocker: "The clip could not be read: it may be damaged. Export it again.", ...(await noSound()) };
    }
    if (!(await video.canDecode())) {
      const name = codecName(video.codec);
      return {
        blocker: `This browser cannot decode ${name} video, so it cannot convert this clip: re-export as H.264, or open the studio in a browser that decodes ${name}.`,
        ...(await noSound()),
      };
    }
    if (!(await canEncodeVideo("avc", { ...size, quality: new Quality("medium") }))) {
      return {
        blocker: `This browser cannot encode H.264 at ${size.width}×${size.height}: export the clip again in an editor, or try another browser.`,
        ...(await noSound()),
      };
    }
    return { blocker: null, ...(await soundPlan(input)) };
  } finally {
    input.dispose();
  }
}

const noSound = async () => ({ sound: { kind: "none" } as const, audioBitrate: 0 });

/** `count` JPEG thumbnails (data URLs) spread over the clip, `height` px tall; none if it cannot be decoded. */
export async function clipThumbnails(file: Blob, count: number, height: number): Promise<string[]> {
  const input = openInput(file);
  try {
    const track = await input.getPrimaryVideoTrack();
    if (!track || !(await track.canDecode())) return [];
    const [first, end] = await Promise.all([track.getFirstTimestamp(), track.computeDuration()]);
    const times = Array.from({ length: count }, (_, index) => first + ((end - first) * (index + 0.5)) / count);
    const sink = new CanvasSink(track, { height, poolSize: 1 });
    const thumbnails: string[] = [];
    for await (const wrapped of sink.canvasesAtTimestamps(times)) {
      const canvas = wrapped?.canvas;
      if (canvas instanceof HTMLCanvasElement) thumbnails.push(canvas.toDataURL("image/jpeg", 0.7));
      else if (canvas) thumbnails.push(await offscreenUrl(canvas));
    }
    return thumbnails;
  } finally {
    input.dispose();
  }
}

/** A data URL, like an on-page canvas gives, so nothing needs releasing when the thumbnails go. */
async function offscreenUrl(canvas: OffscreenCanvas): Promise<string> {
  const blob = await canvas.convertToBlob({ type: "image/jpeg", quality: 0.7 });
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

export interface ConversionHandle {
  done: Promise<File>;
  /** Stops the conversion at once (mediabunny's cancel); `done` then rejects with ConversionCancelled. */
  cancel: () => void;
}

export class ConversionCancelled extends Error {
  constructor() {
    super("The conversion was cancelled.");
    this.name = "ConversionCancelled";
  }
}

export class SoundLost extends Error {
  constructor() {
    super("This browser could not keep the clip's sound in the conversion.");
    this.name = "SoundLost";
  }
}

/**
 * Converts the clip to H.264 in MP4 at `target` (size, frame rate, range, bitrate); the sound is copied or
 * re-encoded when `keepSound`, else dropped. `onProgress` gets 0–1.
 */
export function convertClip(
  file: Blob,
  name: string,
  target: ConformTarget,
  keepSound: boolean,
  onProgress: (fraction: number) => void,
): ConversionHandle {
  let conversion: Conversion | null = null;
  let cancelled = false;
  const input = openInput(file);
  const done = (async () => {
    const output = new Output({ format: new Mp4OutputFormat({ fastStart: "in-memory" }), target: new BufferTarget() });
    conversion = await Conversion.init({
      input,
      output,
      tracks: "primary",
      trim: target.range,
      video: {
        codec: "avc",
        width: target.width,
        height: target.height,
        fit: "contain",
        forceTranscode: true,
        quality: new Quality({ bitrate: target.videoBitrate }),
        ...(target.frameRate ? { frameRate: target.frameRate } : {}),
      },
      audio: keepSound ? {} : { discard: true },
      // Copying the sound of a cut needs its packets shifted to the cut's start; picture and sound stay in sync.
      copy: { shiftTolerance: Infinity },
      showWarnings: false,
    });
    if (cancelled) throw new ConversionCancelled();
    const lost = conversion.discardedTracks.find((entry) => entry.reason !== "discarded_by_user");
    if (lost?.track.type === "audio") throw new SoundLost();
    if (lost || !conversion.isValid) throw new Error(`The conversion could not start (${lost?.reason ?? "invalid"}).`);
    conversion.onProgress = (fraction) => onProgress(fraction);
    try {
      await conversion.execute();
    } catch (error) {
      throw error instanceof ConversionCanceledError || cancelled ? new ConversionCancelled() : error;
    }
    const buffer = (output.target as BufferTarget).buffer;
    if (!buffer) throw new Error("The conversion produced no file.");
    return new File([buffer], name, { type: "video/mp4" });
  })().finally(() => input.dispose());
  return {
    done,
    cancel: () => {
      cancelled = true;
      void conversion?.cancel();
    },
  };
}
