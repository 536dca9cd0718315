"use client";
import { useState } from "react";
import { referenceUrlProblem } from "@/lib/generation/url-rules";

type Preview =
  | { url: string; state: "loading" }
  | { url: string; state: "loaded"; duration: number; width: number; height: number }
  | { url: string; state: "failed" };

/**
 * Loads a pasted video URL's metadata in the browser to show what it can (duration, size). The server
 * never fetches user URLs; if the host blocks previews, Evolink may still be able to download it.
 */
export function PastedVideoPreview({ url }: { url: string }) {
  const [preview, setPreview] = useState<Preview | null>(null);
  const usable = url && !referenceUrlProblem(url);
  if (!usable) return null;
  const current = preview?.url === url ? preview : { url, state: "loading" as const };
  return (
    <div className="flex items-center gap-3 rounded-lg bg-zinc-100 p-2 text-xs dark:bg-zinc-800/60">
      <video
        key={url}
        src={url}
        preload="metadata"
        muted
        playsInline
        className="h-14 w-24 rounded bg-black object-contain"
        onLoadedMetadata={(event) => {
          const v = event.currentTarget;
          setPreview({ url, state: "loaded", duration: v.duration, width: v.videoWidth, height: v.videoHeight });
        }}
        onError={() => setPreview({ url, state: "failed" })}
      />
      <span data-testid="pasted-video-facts" className="text-zinc-600 dark:text-zinc-300">
        {current.state === "loading" && "Loading a preview…"}
        {current.state === "loaded" && `${current.duration.toFixed(1)} s · ${current.width}×${current.height}`}
        {current.state === "failed" &&
          "No preview: the host does not allow it here. Evolink downloads the file itself, so it may still work."}
      </span>
    </div>
  );
}
