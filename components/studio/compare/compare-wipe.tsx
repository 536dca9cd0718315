"use client";
import { useRef, useState, type PointerEvent } from "react";
import { useMediaRef, type PaneSource } from "./compare-pane";

const KEY_STEP = 5;

/**
 * One take laid over the base (the reference, or the first take) with a divider: left of it the base, right of it
 * the take. Dragged by mouse or touch (pointer events, captured so a fast drag keeps it), or moved with ← → (Shift
 * for larger steps), Home and End once focused; its keys never reach the player's shortcuts.
 */
export function CompareWipe({
  base,
  overlay,
  onMedia,
}: {
  base: PaneSource;
  overlay: PaneSource;
  onMedia: (id: string, video: HTMLVideoElement | null) => void;
}) {
  const [position, setPosition] = useState(50);
  const box = useRef<HTMLDivElement>(null);
  const dragging = useRef(false);
  const moveTo = (event: PointerEvent) => {
    const rect = box.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return;
    setPosition(Math.round(Math.max(0, Math.min(100, ((event.clientX - rect.left) / rect.width) * 100))));
  };
  const [problem, setProblem] = useState<string | null>(null);
  const baseRef = useMediaRef(base.id, onMedia, setProblem);
  const overlayRef = useMediaRef(overlay.id, onMedia, setProblem);
  const video = (
    source: PaneSource,
    ref: (video: HTMLVideoElement | null) => () => void,
    style?: React.CSSProperties,
  ) => (
    <video
      key={source.id}
      ref={ref}
      src={source.url}
      muted
      playsInline
      preload="auto"
      data-pane={source.id}
      style={style}
      className="absolute inset-0 h-full w-full object-contain"
    />
  );
  return (
    <div className="flex flex-col gap-1">
      {problem && (
        <p role="alert" data-testid="compare-pane-error" className="text-sm text-red-700 dark:text-red-300">
          A video could not be loaded: {problem}.
        </p>
      )}
      <p className="flex justify-between text-xs font-medium text-zinc-700 dark:text-zinc-300">
        <span>◀ {base.label}</span>
        <span>{overlay.label} ▶</span>
      </p>
      <div
        ref={box}
        data-testid="compare-wipe"
        className="relative aspect-video w-full touch-none overflow-hidden rounded-md bg-black select-none"
        onPointerDown={(event) => {
          dragging.current = true;
          moveTo(event);
          // Captured so a fast drag that leaves the box keeps moving it; a pointer already lifted cannot be.
          try {
            event.currentTarget.setPointerCapture(event.pointerId);
          } catch {
            dragging.current = false;
          }
        }}
        onPointerMove={(event) => dragging.current && moveTo(event)}
        onPointerUp={() => (dragging.current = false)}
        onPointerCancel={() => (dragging.current = false)}
      >
        {video(base, baseRef)}
        {video(overlay, overlayRef, { clipPath: `inset(0 0 0 ${position}%)` })}
        <div
          role="slider"
          tabIndex={0}
          aria-label="Wipe divider"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={position}
          aria-valuetext={`${position}% ${base.label}`}
          data-testid="wipe-divider"
          style={{ left: `${position}%` }}
          className="absolute inset-y-0 -ml-2 flex w-4 cursor-ew-resize justify-center focus-visible:outline-2 focus-visible:outline-violet-400"
          onKeyDown={(event) => {
            const step = event.shiftKey ? KEY_STEP * 4 : KEY_STEP;
            const next = {
              ArrowLeft: position - step,
              ArrowRight: position + step,
              Home: 0,
              End: 100,
            }[event.key];
            if (next === undefined) return;
            event.preventDefault();
            event.stopPropagation();
            setPosition(Math.max(0, Math.min(100, next)));
          }}
        >
          <span aria-hidden className="h-full w-0.5 bg-white shadow-[0_0_4px_rgba(0,0,0,0.8)]" />
        </div>
      </div>
    </div>
  );
}
