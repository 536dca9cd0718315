"use client";
import { useCallback, useState } from "react";
import { Button } from "@/components/ui/button";

export interface PaneSource {
  /** "reference" or the take's task id. */
  id: string;
  label: string;
  url: string;
}

const MEDIA_ERRORS: Record<number, string> = {
  1: "loading was stopped",
  2: "the network failed while loading it",
  3: "the file could not be decoded",
  4: "the server did not send a playable video (it may have expired or been deleted)",
};

/** Why a video element could not play, in the person's words. */
export function mediaErrorText(video: HTMLVideoElement): string {
  return MEDIA_ERRORS[video.error?.code ?? 4] ?? "it could not be played";
}

/**
 * Hands a mounted video to the sync at once (it may seek and play before its metadata arrives), takes it back when
 * it unmounts or fails to load (saying why); stable, so a re-render never re-registers it.
 */
export function useMediaRef(
  id: string,
  onMedia: (id: string, video: HTMLVideoElement | null) => void,
  onProblem: (problem: string) => void,
): (video: HTMLVideoElement | null) => () => void {
  return useCallback(
    (video: HTMLVideoElement | null) => {
      if (!video) return () => undefined;
      // Listened to here, and checked at once: a refused file can fail before any handler React adds is called.
      const fail = () => {
        onMedia(id, null);
        onProblem(mediaErrorText(video));
      };
      video.addEventListener("error", fail);
      if (video.error) fail();
      else onMedia(id, video);
      return () => {
        video.removeEventListener("error", fail);
        onMedia(id, null);
      };
    },
    [id, onMedia, onProblem],
  );
}

/**
 * One video of the compare view with its label and its own mute switch. A load failure takes it out of the sync (the
 * others keep playing) and its pane says why.
 */
export function ComparePane({
  source,
  focused,
  onMedia,
  className = "",
}: {
  source: PaneSource;
  focused: boolean;
  onMedia: (id: string, video: HTMLVideoElement | null) => void;
  className?: string;
}) {
  const [muted, setMuted] = useState(true);
  const [problem, setProblem] = useState<string | null>(null);
  const register = useMediaRef(source.id, onMedia, setProblem);
  return (
    <figure
      data-testid="compare-pane"
      data-pane={source.id}
      data-focused={focused || undefined}
      className={`relative flex min-w-0 flex-col gap-1 rounded-lg p-1 ${focused ? "ring-2 ring-violet-500" : ""} ${className}`}
    >
      <figcaption className="flex items-center justify-between gap-2 text-xs font-medium text-zinc-700 dark:text-zinc-300">
        <span>{source.label}</span>
        {!problem && (
          <Button variant="ghost" size="sm" aria-pressed={!muted} onClick={() => setMuted(!muted)}>
            {muted ? `Unmute ${source.label}` : `Mute ${source.label}`}
          </Button>
        )}
      </figcaption>
      {problem ? (
        <p
          role="alert"
          data-testid="compare-pane-error"
          className="flex aspect-video items-center justify-center rounded-md bg-red-50 p-3 text-center text-sm text-red-700 dark:bg-red-950/40 dark:text-red-300"
        >
          {source.label} could not be loaded: {problem}. The others keep playing.
        </p>
      ) : (
        <video
          src={source.url}
          muted={muted}
          playsInline
          preload="auto"
          className="aspect-video w-full rounded-md bg-black object-contain"
          ref={register}
        />
      )}
    </figure>
  );
}
