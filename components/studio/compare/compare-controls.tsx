"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Select } from "@/components/ui/input";
import type { SyncState, VideoSync } from "@/lib/client/video-sync";

const SPEEDS = [0.25, 0.5, 1, 1.5, 2];

export const SHORTCUTS: Array<[string, string]> = [
  ["Space", "Play or pause"],
  ["← / →", "One frame back or forward"],
  ["Shift + ← / →", "One second back or forward"],
  ["1–4", "Focus take 1 to 4 (the take the wipe shows)"],
  ["F", "Full screen"],
];

const clock = (seconds: number) => `${Math.floor(seconds / 60)}:${(seconds % 60).toFixed(2).padStart(5, "0")}`;

/** The one set of controls for every video of the compare view. */
export function CompareControls({ sync, state }: { sync: VideoSync; state: SyncState }) {
  const [help, setHelp] = useState(false);
  const duration = Number.isFinite(state.duration) ? state.duration : 0;
  return (
    <div
      data-testid="compare-controls"
      className="flex flex-wrap items-center gap-2 rounded-lg bg-zinc-100 p-2 text-xs dark:bg-zinc-800"
    >
      <Button size="sm" className="min-w-16" onClick={() => void sync.toggle()}>
        {state.paused ? "Play" : "Pause"}
      </Button>
      <Button variant="secondary" size="sm" aria-label="Previous frame" onClick={() => sync.step(-1)}>
        ◀︎ 1f
      </Button>
      <Button variant="secondary" size="sm" aria-label="Next frame" onClick={() => sync.step(1)}>
        1f ▶︎
      </Button>
      <input
        type="range"
        aria-label="Seek"
        min={0}
        max={duration}
        step={0.01}
        value={Math.min(state.time, duration)}
        onChange={(event) => sync.seek(Number(event.target.value))}
        onKeyDown={(event) => event.stopPropagation()}
        className="min-w-32 flex-1 accent-violet-600"
      />
      <span data-testid="compare-time" className="font-mono tabular-nums">
        {clock(state.time)} / {clock(duration)}
      </span>
      <Button
        variant="secondary"
        size="sm"
        aria-pressed={state.loop !== null}
        onClick={() => sync.setLoop(state.loop ? null : { from: state.time, to: Math.min(duration, state.time + 1) })}
      >
        {state.loop ? `Loop ${state.loop.from.toFixed(2)}–${state.loop.to.toFixed(2)} s (clear)` : "Loop 1 s from here"}
      </Button>
      {state.loop && (
        <Button
          variant="secondary"
          size="sm"
          onClick={() => state.loop && sync.setLoop({ from: state.loop.from, to: state.time })}
        >
          End loop here
        </Button>
      )}
      <label className="flex items-center gap-1">
        Speed
        <Select
          aria-label="Speed"
          className="w-20 py-1 text-xs"
          value={state.rate}
          onChange={(event) => sync.setRate(Number(event.target.value))}
          onKeyDown={(event) => event.stopPropagation()}
        >
          {SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {speed}×
            </option>
          ))}
        </Select>
      </label>
      <div className="relative">
        <Button variant="ghost" size="sm" aria-expanded={help} onClick={() => setHelp(!help)}>
          Keyboard shortcuts
        </Button>
        {help && (
          <dl
            data-testid="shortcut-help"
            className="absolute right-0 bottom-full z-10 mb-2 grid w-72 grid-cols-[auto_1fr] gap-x-3 gap-y-1 rounded-lg border border-zinc-200 bg-white p-3 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
          >
            {SHORTCUTS.map(([keys, meaning]) => (
              <div key={keys} className="contents">
                <dt className="font-mono font-semibold">{keys}</dt>
                <dd>{meaning}</dd>
              </div>
            ))}
          </dl>
        )}
      </div>
    </div>
  );
}
