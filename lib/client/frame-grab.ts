"use client";
import { IMAGE_RULES } from "../media/rules";

const toBlob = (canvas: HTMLCanvasElement, type: string, quality?: number) =>
  new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));

/**
 * The frame the player shows, at the video's own resolution: a PNG, or a JPEG when the PNG would pass the
 * image size limit. Null when there is no frame to take.
 */
export async function grabFrame(video: HTMLVideoElement, baseName: string): Promise<File | null> {
  const { videoWidth: width, videoHeight: height } = video;
  if (!width || !height) return null;
  const canvas = document.createElement("canvas");
  canvas.width = width;
  canvas.height = height;
  canvas.getContext("2d")?.drawImage(video, 0, 0, width, height);
  const stem = `${baseName.replace(/\.[^.]+$/, "")}-frame-${video.currentTime.toFixed(2)}s`;
  const png = await toBlob(canvas, "image/png");
  if (png && png.size <= IMAGE_RULES.maxBytes) return new File([png], `${stem}.png`, { type: "image/png" });
  const jpeg = await toBlob(canvas, "image/jpeg", 0.9);
  return jpeg ? new File([jpeg], `${stem}.jpg`, { type: "image/jpeg" }) : null;
}
