"use client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { ProgressBar } from "@/components/ui/progress-bar";
import type { ConversionState } from "@/lib/client/use-workbench";
import type { SoundPlan } from "@/lib/client/workbench-media";
import { fixText, targetLine, type ConformTarget, type Fix } from "@/lib/media/conform";

function soundLine(sound: SoundPlan): string | null {
  switch (sound.kind) {
    case "none":
      return null;
    case "copy":
      return `Sound: kept as it is (${sound.codec}).`;
    case "encode":
      return `Sound: re-encoded as ${sound.codec}.`;
    case "drop":
      return sound.reason;
  }
}

function timeLeft(state: Extract<ConversionState, { phase: "running" }>): string {
  const elapsed = (state.now - state.startedAt) / 1000;
  if (state.fraction < 0.02 || elapsed < 1) return "estimating time left…";
  const seconds = Math.max(0, Math.round((elapsed * (1 - state.fraction)) / state.fraction));
  return `about ${seconds} s left`;
}

/** What "Fix it for me" will make, said before it starts; then its progress with Cancel, or how it ended. */
export function ConformPanel({
  fixes,
  cut,
  target,
  fps,
  sound,
  state,
  onConvert,
  onCancel,
}: {
  fixes: Fix[];
  cut: boolean;
  target: ConformTarget;
  fps: number;
  sound: SoundPlan;
  state: ConversionState;
  onConvert: () => void;
  onCancel: () => void;
}) {
  if (fixes.length === 0 && !cut) return null;
  const sounds = soundLine(sound);
  return (
    <div
      data-testid="conform-panel"
      className="flex flex-col gap-2 rounded-md bg-zinc-50 p-2.5 text-xs dark:bg-zinc-900"
    >
      <p className="text-zinc-700 dark:text-zinc-200">
        {fixes.length > 0
          ? `The studio can ${fixes.map(fixText).join(", ")}, in this browser.`
          : "The selection leaves part of the clip out: cut it here before it is uploaded."}
      </p>
      <p data-testid="conform-target" className="font-medium text-zinc-800 tabular-nums dark:text-zinc-100">
        {targetLine(target, fps)}
      </p>
      {target.upscaled && (
        <p data-testid="conform-upscale-note" className="text-amber-700 dark:text-amber-300">
          Scaling up adds no detail: the picture gets larger, not sharper.
        </p>
      )}
      {sounds && (
        <p
          data-testid="conform-sound"
          className={sound.kind === "drop" ? "text-amber-700 dark:text-amber-300" : "text-zinc-600 dark:text-zinc-300"}
        >
          {sounds}
        </p>
      )}
      <ConversionControls state={state} fixes={fixes} onConvert={onConvert} onCancel={onCancel} />
    </div>
  );
}

function ConversionControls({
  state,
  fixes,
  onConvert,
  onCancel,
}: {
  state: ConversionState;
  fixes: Fix[];
  onConvert: () => void;
  onCancel: () => void;
}) {
  if (state.phase === "running") {
    const percent = Math.min(100, Math.floor(state.fraction * 100));
    return (
      <div className="flex items-center gap-2">
        <div className="flex-1">
          <ProgressBar value={percent} label="Conversion" />
        </div>
        <span data-testid="conform-progress" className="w-40 text-right text-zinc-600 tabular-nums dark:text-zinc-300">
          {percent}% · {timeLeft(state)}
        </span>
        <Button variant="ghost" size="sm" onClick={onCancel}>
          Cancel conversion
        </Button>
      </div>
    );
  }
  return (
    <>
      {state.phase === "cancelled" && (
        <p data-testid="conform-cancelled" className="text-zinc-600 dark:text-zinc-300">
          Conversion cancelled: nothing was uploaded, the clip is as you chose it.
        </p>
      )}
      {state.phase === "failed" && <Alert tone="error" testId="conform-failed" title={state.message} />}
      <div>
        <Button size="sm" onClick={onConvert}>
          {fixes.length > 0 ? "Fix it for me" : "Cut to the selection"}
        </Button>
      </div>
    </>
  );
}
