"use client";
import { useState } from "react";
import { cn } from "@/components/ui/cn";

/**
 * A result's still frame that becomes its player when pressed. The image is lazy and has its size set, so a
 * long list neither loads every poster at once nor shifts as they arrive; without a poster (none made yet, or no
 * ffmpeg on the server) a neutral placeholder stands in.
 */
export function TaskPoster({
  posterUrl,
  width,
  height,
  className,
  onPlay,
}: {
  posterUrl: string | null;
  width: number;
  height: number;
  className: string;
  onPlay: () => void;
}) {
  // A poster that fails to load (removed, or not made after all) leaves the placeholder, not a broken image.
  const [broken, setBroken] = useState(false);
  return (
    <button
      type="button"
      aria-label="Play"
      onClick={onPlay}
      className={cn(
        "group relative shrink-0 overflow-hidden rounded-lg bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500 dark:bg-zinc-800",
        className,
      )}
    >
      {posterUrl && !broken ? (
        // eslint-disable-next-line @next/next/no-img-element -- a private, already-sized JPEG from the studio's own route: next/image's optimiser would only add a server round trip
        <img
          data-testid="task-poster"
          src={posterUrl}
          alt=""
          width={width}
          height={height}
          loading="lazy"
          decoding="async"
          onError={() => setBroken(true)}
          className="size-full object-cover"
        />
      ) : (
        <span
          data-testid="task-poster-placeholder"
          aria-hidden
          className="absolute inset-0 bg-gradient-to-br from-zinc-200 to-zinc-300 dark:from-zinc-800 dark:to-zinc-700"
        />
      )}
      <span
        aria-hidden
        className="absolute inset-0 flex items-center justify-center bg-black/10 transition group-hover:bg-black/25"
      >
        <span className="flex size-9 items-center justify-center rounded-full bg-black/60 text-white shadow">
          <svg viewBox="0 0 20 20" className="ml-0.5 size-4 fill-current">
            <path d="M6 4.5v11a.75.75 0 0 0 1.14.64l9-5.5a.75.75 0 0 0 0-1.28l-9-5.5A.75.75 0 0 0 6 4.5Z" />
          </svg>
        </span>
      </span>
    </button>
  );
}
