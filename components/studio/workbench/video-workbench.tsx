"use client";
import { useCallback, useEffect, useState, type RefObject } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useClipAbilities, useConversion } from "@/lib/client/use-workbench";
import type { Quality } from "@/lib/evolink/contract";
import { estimateCost, formatCredits } from "@/lib/generation/pricing";
import {
  conformNeeds,
  conformTarget,
  initialRange,
  isCut,
  moveHandle,
  suggestedDuration,
  type TrimRange,
} from "@/lib/media/conform";
import type { VideoFacts } from "@/lib/media/rules";
import { ConformPanel } from "./conform-panel";
import { TrimTimeline } from "./trim-timeline";

/** The selection plays in a loop in the preview; moving a handle shows the frame under it. */
function useLoopedSelection(player: RefObject<HTMLVideoElement | null>, range: TrimRange) {
  const { start, end } = range;
  useEffect(() => {
    const element = player.current;
    if (!element) return;
    const keepInside = () => {
      if (element.currentTime >= end || element.currentTime < start - 0.05) element.currentTime = start;
    };
    element.addEventListener("timeupdate", keepInside);
    element.addEventListener("play", keepInside);
    return () => {
      element.removeEventListener("timeupdate", keepInside);
      element.removeEventListener("play", keepInside);
    };
  }, [player, start, end]);
}

/**
 * The trim and fix tools for a chosen reference video: a timeline with two handles, the output duration and
 * cost the selection suggests, and "Fix it for me", which converts the clip in this browser. The converted
 * file replaces the chosen one and is checked and uploaded like any chosen file; the original never is.
 */
export function VideoWorkbench({
  file,
  facts,
  maxBytes,
  player,
  quality,
  onUseDuration,
  onConverted,
}: {
  file: File;
  facts: VideoFacts;
  maxBytes: number;
  player: RefObject<HTMLVideoElement | null>;
  quality: Quality;
  onUseDuration: (seconds: number) => void;
  onConverted: (converted: File) => void;
}) {
  const duration = facts.durationSeconds;
  const [range, setRange] = useState(() => initialRange(duration));
  const needs = conformNeeds(facts, maxBytes);
  const { abilities, thumbnails } = useClipAbilities(file, facts, 10);
  const [soundOff, setSoundOff] = useState(false);
  const conversion = useConversion(file, maxBytes, onConverted);
  useLoopedSelection(player, range);

  const move = useCallback(
    (handle: keyof TrimRange, value: number) => {
      setRange((current) => {
        const next = moveHandle(current, handle, value, duration);
        const element = player.current;
        if (element) {
          element.pause();
          element.currentTime = next[handle];
        }
        return next;
      });
    },
    [duration, player],
  );

  if (needs.blockers.length > 0) {
    return (
      <Alert tone="error" testId="workbench-blocked" title="This clip cannot be fixed here.">
        {needs.blockers.map((blocker) => (
          <p key={blocker}>{blocker}</p>
        ))}
      </Alert>
    );
  }
  if (!abilities) return <p className="text-xs text-zinc-500">Reading the clip…</p>;
  if (abilities.blocker) {
    return <Alert tone="error" testId="workbench-blocked" title={abilities.blocker} />;
  }

  const sound = soundOff ? { kind: "none" as const } : abilities.sound;
  const target = conformTarget(
    facts,
    range,
    maxBytes,
    sound.kind === "none" || sound.kind === "drop" ? 0 : abilities.audioBitrate,
  );
  const seconds = suggestedDuration(range);
  const cost = estimateCost(quality, seconds);
  const running = conversion.state.phase === "running";
  return (
    <div data-testid="workbench" className="flex flex-col gap-3">
      <TrimTimeline duration={duration} fps={facts.fps} range={range} thumbnails={thumbnails} onMove={move} />
      <div className="flex flex-wrap items-center justify-between gap-2 text-xs text-zinc-600 dark:text-zinc-300">
        <span data-testid="trim-cost">
          {formatCredits(cost.creditsPerSecond)} credits per output second · {seconds} s ≈ {formatCredits(cost.credits)}{" "}
          credits
        </span>
        <Button variant="secondary" size="sm" onClick={() => onUseDuration(seconds)}>
          Use {seconds} s as the duration
        </Button>
      </div>
      {soundOff && (
        <p data-testid="conform-sound-lost" className="text-xs text-amber-700 dark:text-amber-300">
          This browser could not keep the clip&apos;s sound, so the converted clip will be silent. Press the button
          again to convert without it.
        </p>
      )}
      <ConformPanel
        fixes={needs.fixes}
        cut={isCut(range, duration)}
        target={target}
        fps={facts.fps}
        sound={sound}
        state={conversion.state}
        onCancel={conversion.cancel}
        onConvert={() => {
          if (running) return;
          void conversion.run(target, sound.kind !== "none" && sound.kind !== "drop").then((outcome) => {
            if (outcome === "sound-lost") setSoundOff(true);
          });
        }}
      />
    </div>
  );
}
