"use client";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import type { ReferenceKind } from "@/lib/generation/token-chips";

/** A reference's picture: its thumbnail, or a neutral tile naming its kind when there is none (yet). */
export function ReferenceThumb({
  src,
  kind,
  className,
}: {
  src: string | null;
  kind: ReferenceKind;
  className?: string;
}) {
  const tile = cn("shrink-0 rounded-sm object-cover", className);
  // eslint-disable-next-line @next/next/no-img-element -- a tiny same-origin JPEG or a local object URL: next/image's optimiser would only add a round trip
  if (src) return <img src={src} alt="" className={tile} draggable={false} />;
  return (
    <span
      aria-hidden
      className={cn(
        tile,
        "inline-flex items-center justify-center bg-violet-200 text-[0.6rem] font-semibold text-violet-900 uppercase dark:bg-violet-800 dark:text-violet-100",
      )}
    >
      {kind[0]}
    </span>
  );
}

/**
 * A reference token as a person reads it: the picture and "Image 2" rather than `<<<image_2>>>`; red when it
 * points at nothing attached.
 */
export function ReferenceChip({
  label,
  kind,
  thumbnail,
  broken = false,
  picture,
  className,
}: {
  label: string;
  kind: ReferenceKind;
  thumbnail: string | null;
  broken?: boolean;
  /** Drawn instead of the thumbnail (a chosen video's own first frame). */
  picture?: ReactNode;
  className?: string;
}) {
  // A <mark>, as the prompt field's highlights are: the token stands out from the words around it.
  return (
    <mark
      data-testid="reference-chip"
      data-broken={broken ? "true" : undefined}
      className={cn(
        "inline-flex items-center gap-1 rounded-md px-1 align-middle text-[0.8em] leading-[1.4] font-medium text-nowrap",
        broken
          ? "bg-red-100 text-red-800 dark:bg-red-900/70 dark:text-red-100"
          : "bg-violet-100 text-violet-900 dark:bg-violet-900/70 dark:text-violet-100",
        className,
      )}
    >
      {picture ?? <ReferenceThumb src={thumbnail} kind={kind} className="size-[1.1em]" />}
      {label}
    </mark>
  );
}
