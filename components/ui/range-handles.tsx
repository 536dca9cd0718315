"use client";
import { useRef, type KeyboardEvent, type PointerEvent, type ReactNode } from "react";

export type RangeHandle = "start" | "end";

const HANDLE_CLASSES =
  "absolute top-0 bottom-0 z-10 flex w-4 -translate-x-1/2 cursor-ew-resize touch-none items-center justify-center rounded-sm bg-violet-600 shadow focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500";

/**
 * A range over `max` with two handles (sliders to assistive technology): dragged with a mouse or a finger
 * (pointer events, captured so a drag may leave the track), or moved with the arrow keys by `step`, with Shift
 * by `bigStep`. The owner holds the values and decides where a handle may go; `children` draws under the track.
 */
export function RangeHandles({
  max,
  start,
  end,
  step,
  bigStep,
  labels,
  format,
  onMove,
  children,
  testId,
}: {
  max: number;
  start: number;
  end: number;
  step: number;
  bigStep: number;
  labels: Record<RangeHandle, string>;
  format: (value: number) => string;
  onMove: (handle: RangeHandle, value: number) => void;
  children?: ReactNode;
  testId?: string;
}) {
  const track = useRef<HTMLDivElement>(null);
  const percent = (value: number) => `${max > 0 ? (value / max) * 100 : 0}%`;

  const valueAt = (clientX: number) => {
    const rect = track.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return (Math.min(Math.max(clientX - rect.left, 0), rect.width) / rect.width) * max;
  };

  const handleProps = (handle: RangeHandle, value: number) => ({
    role: "slider" as const,
    tabIndex: 0,
    "aria-label": labels[handle],
    "aria-valuemin": 0,
    "aria-valuemax": Math.round(max * 1000) / 1000,
    "aria-valuenow": Math.round(value * 1000) / 1000,
    "aria-valuetext": format(value),
    "data-testid": testId && `${testId}-${handle}`,
    onPointerDown: (event: PointerEvent<HTMLDivElement>) => {
      event.currentTarget.setPointerCapture(event.pointerId);
      event.currentTarget.focus();
      event.preventDefault();
    },
    onPointerMove: (event: PointerEvent<HTMLDivElement>) => {
      if (event.currentTarget.hasPointerCapture(event.pointerId)) onMove(handle, valueAt(event.clientX));
    },
    onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => {
      const direction = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1 }[event.key];
      if (!direction) return;
      event.preventDefault();
      onMove(handle, value + direction * (event.shiftKey ? bigStep : step));
    },
    style: { left: percent(value) },
    // No caller overrides these, so they are not merged (the merge config holds only the groups that are).
    className: HANDLE_CLASSES,
  });

  return (
    <div ref={track} data-testid={testId} className="relative h-12 w-full touch-none select-none">
      <div className="absolute inset-0 overflow-hidden rounded-md bg-zinc-200 dark:bg-zinc-800">{children}</div>
      <div className="absolute inset-y-0 left-0 bg-black/55" style={{ width: percent(start) }} />
      <div className="absolute inset-y-0 right-0 bg-black/55" style={{ left: percent(end) }} />
      <div
        className="absolute inset-y-0 border-y-2 border-violet-600"
        style={{ left: percent(start), width: `calc(${percent(end)} - ${percent(start)})` }}
      />
      {(["start", "end"] as const).map((handle) => (
        <div key={handle} {...handleProps(handle, handle === "start" ? start : end)}>
          <span aria-hidden className="h-5 w-0.5 rounded bg-white" />
        </div>
      ))}
    </div>
  );
}
