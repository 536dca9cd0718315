"use client";
import { RangeHandles } from "@/components/ui/range-handles";
import { formatClock, type TrimRange } from "@/lib/media/conform";

/** The clip's frames in a strip, with the selection's two handles over it and its start, end and length. */
export function TrimTimeline({
  duration,
  fps,
  range,
  thumbnails,
  onMove,
}: {
  duration: number;
  fps: number;
  range: TrimRange;
  thumbnails: string[];
  onMove: (handle: keyof TrimRange, value: number) => void;
}) {
  return (
    <div className="flex flex-col gap-1.5">
      <RangeHandles
        testId="trim"
        max={duration}
        start={range.start}
        end={range.end}
        step={1 / (fps || 30)}
        bigStep={1}
        labels={{ start: "Trim start", end: "Trim end" }}
        format={(value) => `${value.toFixed(2)} s`}
        onMove={onMove}
      >
        <div data-testid="trim-thumbnails" className="flex h-full w-full">
          {thumbnails.map((src, index) => (
            // Thumbnails are data URLs made here; next/image has nothing to optimise.
            // eslint-disable-next-line @next/next/no-img-element
            <img key={index} src={src} alt="" className="h-full min-w-0 flex-1 object-cover" />
          ))}
        </div>
      </RangeHandles>
      <p
        data-testid="trim-readout"
        className="flex flex-wrap gap-x-3 text-xs text-zinc-600 tabular-nums dark:text-zinc-300"
      >
        <span>Start {formatClock(range.start)}</span>
        <span>End {formatClock(range.end)}</span>
        <span className="font-medium text-zinc-800 dark:text-zinc-100">
          Length {(range.end - range.start).toFixed(1)} s
        </span>
      </p>
    </div>
  );
}
