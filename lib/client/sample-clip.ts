"use client";
import type { UseFormReturn } from "react-hook-form";
import { LIMITS } from "../evolink/contract";
import { GENERATION_DEFAULTS } from "../generation/rules";
import type { GenerationRequest } from "../generation/schema";
import type { ReferenceMedia } from "./use-reference-media";

// Demo mode's "Try a sample clip": a reference video and image bundled in public/samples/ (made by
// scripts/make-sample-references.sh), attached like chosen files. Loaded on the click, so not first-load code.

export const SAMPLE_PROMPT =
  "<<<video_1>>> the sweep of colour folds into a paper boat drifting across a neon lake at night, painted in the palette of <<<image_1>>>, cinematic, shallow depth of field";

async function bundledFile(path: string, type: string): Promise<File> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`The sample ${path} answered ${response.status}.`);
  return new File([await response.blob()], path.split("/").pop() ?? "sample", { type });
}

/** Fills a cleared form with the sample prompt, video and image (the files are checked and uploaded as usual). */
export async function trySampleClip(form: UseFormReturn<GenerationRequest>, media: ReferenceMedia) {
  const [video, image] = await Promise.all([
    bundledFile("/samples/sample-reference.mp4", "video/mp4"),
    bundledFile("/samples/sample-style.jpg", "image/jpeg"),
  ]);
  form.reset({ ...GENERATION_DEFAULTS, prompt: SAMPLE_PROMPT });
  media.chooseVideo(video);
  media.addImages([image], LIMITS.maxReferenceImages);
}
