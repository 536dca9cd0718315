"use client";
import { IMAGE_RULES, type ImageFacts, type VideoFacts } from "../media/rules";
import { imageProblems, videoProblems } from "../media/checks";

export type Inspection<F> = { facts: F; problems: string[] } | { facts: null; problems: string[] };

// The demuxer is loaded only once someone picks a file, keeping it out of the page's first load.
const loadProbe = () => import("../media/probe");

/** The browser's pre-flight check of a reference video: the same rules the server applies. */
export async function inspectVideo(file: File, maxUploadBytes: number): Promise<Inspection<VideoFacts>> {
  const { probeVideo, MediaProbeError } = await loadProbe();
  try {
    const facts = await probeVideo(file, file.size);
    return { facts, problems: videoProblems(facts, maxUploadBytes) };
  } catch (error) {
    return {
      facts: null,
      problems: [error instanceof MediaProbeError ? error.message : "The video could not be read."],
    };
  }
}

export async function inspectImage(file: File): Promise<Inspection<ImageFacts>> {
  if (file.size > IMAGE_RULES.maxBytes * 4) {
    return {
      facts: null,
      problems: [`The image is far larger than the ${IMAGE_RULES.maxBytes / 1024 / 1024} MB limit.`],
    };
  }
  const { probeImage, MediaProbeError } = await loadProbe();
  try {
    const head = new Uint8Array(await file.slice(0, 512 * 1024).arrayBuffer());
    const facts = probeImage(head, file.size);
    return { facts, problems: imageProblems(facts) };
  } catch (error) {
    return {
      facts: null,
      problems: [error instanceof MediaProbeError ? error.message : "The image could not be read."],
    };
  }
}
