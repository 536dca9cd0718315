"use client";
import { useCallback, useEffect, useRef, useState } from "react";
import type { ConformTarget } from "../media/conform";
import type { ClipAbilities, ConversionHandle } from "./workbench-media";

// mediabunny's conversion code is fetched only here, when the trim and fix tools open.
const loadMedia = () => import("./workbench-media");

export type ConversionState =
  | { phase: "idle" }
  | { phase: "running"; fraction: number; startedAt: number; now: number }
  | { phase: "cancelled" }
  | { phase: "failed"; message: string };

/** What this browser can do with the clip, and its timeline thumbnails, read once the tools open. */
export function useClipAbilities(file: File, size: { width: number; height: number }, thumbnailCount: number) {
  const [abilities, setAbilities] = useState<ClipAbilities | null>(null);
  const [thumbnails, setThumbnails] = useState<string[]>([]);
  const { width, height } = size;
  useEffect(() => {
    let live = true;
    void loadMedia().then(async ({ clipAbilities, clipThumbnails }) => {
      const found = await clipAbilities(file, { width, height });
      if (!live) return;
      setAbilities(found);
      if (found.blocker) return;
      const made = await clipThumbnails(file, thumbnailCount, 48).catch(() => []);
      if (live) setThumbnails(made);
    });
    return () => {
      live = false;
    };
  }, [file, width, height, thumbnailCount]);
  return { abilities, thumbnails };
}

/** A converted name: the original's, marked, always .mp4. */
const convertedName = (name: string) => `${name.replace(/\.[^.]+$/, "")}-fixed.mp4`;

/**
 * Runs a conversion with progress and a Cancel that stops it. A result over `maxBytes` (the encoder overshot
 * its bitrate) is made once more at a bitrate scaled down to fit; `onDone` gets the file that comes out.
 */
export function useConversion(file: File, maxBytes: number, onDone: (converted: File) => void) {
  const [state, setState] = useState<ConversionState>({ phase: "idle" });
  const running = useRef<ConversionHandle | null>(null);

  const run = useCallback(
    async (target: ConformTarget, keepSound: boolean): Promise<"sound-lost" | void> => {
      const media = await loadMedia();
      const startedAt = Date.now();
      setState({ phase: "running", fraction: 0, startedAt, now: startedAt });
      let attempt = target;
      try {
        for (let tries = 0; ; tries += 1) {
          const handle = media.convertClip(file, convertedName(file.name), attempt, keepSound, (fraction) =>
            setState({ phase: "running", fraction: (tries + fraction) / (tries + 1), startedAt, now: Date.now() }),
          );
          running.current = handle;
          const converted = await handle.done;
          if (converted.size <= maxBytes || tries > 0) {
            setState({ phase: "idle" });
            return onDone(converted);
          }
          attempt = { ...attempt, videoBitrate: Math.round((attempt.videoBitrate * maxBytes * 0.85) / converted.size) };
        }
      } catch (error) {
        if (error instanceof media.ConversionCancelled) return setState({ phase: "cancelled" });
        setState({ phase: "idle" });
        if (error instanceof media.SoundLost) return "sound-lost";
        setState({
          phase: "failed",
          message: `The conversion failed: ${error instanceof Error ? error.message : String(error)} The file may be damaged; export it again.`,
        });
      } finally {
        running.current = null;
      }
    },
    [file, maxBytes, onDone],
  );

  const cancel = useCallback(() => running.current?.cancel(), []);
  useEffect(() => () => running.current?.cancel(), []);
  return { state, run, cancel };
}
