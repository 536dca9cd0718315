"use client";
import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { VideoSync } from "@/lib/client/video-sync";
import type { TaskView } from "@/lib/tasks/view";
import { ComparePane, type PaneSource } from "./compare-pane";
import { CompareControls } from "./compare-controls";
import { CompareWipe } from "./compare-wipe";

const MAX_TAKES = 4;

const REFERENCE_MISSING: Record<TaskView["referenceVideo"]["state"], string> = {
  none: "This entry has no saved copy of its reference video (it was made before references were kept, or is still being saved)",
  archived: "The reference video's saved copy is missing",
  gone: "The reference video's link had expired when the result was saved",
  failed: "The reference video could not be downloaded when the result was saved",
};

function sourcesOf(tasks: TaskView[]) {
  const takes = tasks.filter((task) => task.phase === "completed" && task.previewUrl).slice(0, MAX_TAKES);
  const referenceUrl = takes.find((task) => task.referenceVideo.url)?.referenceVideo.url ?? null;
  const results: PaneSource[] = takes.map((task, index) => ({
    id: task.id,
    label: task.variant ? `Take ${task.variant.index + 1}` : takes.length > 1 ? `Result ${index + 1}` : "Result",
    url: task.previewUrl as string,
  }));
  const reference: PaneSource | null = referenceUrl ? { id: "reference", label: "Reference", url: referenceUrl } : null;
  return {
    results,
    reference,
    missing: reference ? null : REFERENCE_MISSING[takes[0]?.referenceVideo.state ?? "none"],
  };
}

/** Keeps the sync's video list to the panes on screen that have not failed, in order (the first is the master clock). */
function useSyncedMedia(sync: VideoSync, order: string[]) {
  const media = useRef(new Map<string, HTMLVideoElement>());
  const orderKey = order.join(" ");
  const apply = useCallback(() => {
    const loaded = orderKey.split(" ").flatMap((id) => media.current.get(id) ?? []);
    sync.setMedia(loaded.filter((video) => video.isConnected));
  }, [sync, orderKey]);
  useEffect(apply, [apply]);
  const onMedia = useCallback(
    (id: string, video: HTMLVideoElement | null) => {
      // A pane that comes in later (a mode change) starts where the others are.
      if (video && media.current.get(id) !== video) {
        video.currentTime = sync.state().time;
        video.playbackRate = sync.state().rate;
        media.current.set(id, video);
      } else if (!video) media.current.delete(id);
      apply();
    },
    [sync, apply],
  );
  return onMedia;
}

/** The reference and up to four results under one set of controls, in lockstep; grid or wipe. */
export function CompareView({ tasks, onClose }: { tasks: TaskView[]; onClose: () => void }) {
  const { results, reference, missing } = sourcesOf(tasks);
  const [sync] = useState(() => new VideoSync());
  const [state, setState] = useState(() => sync.state());
  const [mode, setMode] = useState<"grid" | "wipe">("grid");
  const [focus, setFocus] = useState(0);
  const frame = useRef<HTMLDivElement>(null);
  const base = reference ?? results[0];
  const overlay = results.filter((source) => source !== base)[reference ? focus : Math.max(0, focus - 1)] ?? results[1];
  const wipe = mode === "wipe" && base && overlay ? { base, overlay } : null;
  const order = wipe
    ? [wipe.base.id, wipe.overlay.id]
    : [...(reference ? [reference.id] : []), ...results.map((r) => r.id)];
  const onMedia = useSyncedMedia(sync, order);

  useEffect(() => sync.subscribe(() => setState(sync.state())), [sync]);
  useEffect(() => {
    let handle = requestAnimationFrame(function loop() {
      sync.tick();
      handle = requestAnimationFrame(loop);
    });
    return () => cancelAnimationFrame(handle);
  }, [sync]);

  const onKeyDown = (event: KeyboardEvent) => {
    const key = event.key;
    if (key === " ") void sync.toggle();
    else if (key === "ArrowLeft" || key === "ArrowRight") sync.step(key === "ArrowLeft" ? -1 : 1, event.shiftKey);
    else if (/^[1-4]$/.test(key) && Number(key) <= results.length) setFocus(Number(key) - 1);
    else if (key === "f" || key === "F") {
      if (document.fullscreenElement) void document.exitFullscreen();
      else void frame.current?.requestFullscreen().catch(() => undefined);
    } else return;
    event.preventDefault();
  };

  return (
    <Dialog open wide title="Compare" onClose={onClose} testId="compare-view">
      <div ref={frame} onKeyDown={onKeyDown} className="flex flex-col gap-3 bg-white dark:bg-zinc-900">
        <div className="flex flex-wrap items-center gap-2">
          <Button variant={mode === "grid" ? "primary" : "secondary"} size="sm" onClick={() => setMode("grid")}>
            Side by side
          </Button>
          <Button
            variant={mode === "wipe" ? "primary" : "secondary"}
            size="sm"
            disabled={results.length + (reference ? 1 : 0) < 2}
            onClick={() => setMode("wipe")}
          >
            Wipe
          </Button>
          <Button variant="secondary" size="sm" className="ml-auto" onClick={onClose}>
            Close
          </Button>
        </div>
        {missing && (
          <p data-testid="compare-reference-missing" className="text-sm text-amber-700 dark:text-amber-300">
            {missing}; comparing the results alone.
          </p>
        )}
        {wipe ? (
          <CompareWipe base={wipe.base} overlay={wipe.overlay} onMedia={onMedia} />
        ) : (
          <div className="grid grid-cols-1 gap-3 md:grid-cols-2 xl:grid-cols-3">
            {reference && <ComparePane source={reference} focused={false} onMedia={onMedia} />}
            {results.map((source, index) => (
              <ComparePane key={source.id} source={source} focused={index === focus} onMedia={onMedia} />
            ))}
          </div>
        )}
        <div className="sticky bottom-0">
          <CompareControls sync={sync} state={state} />
        </div>
      </div>
    </Dialog>
  );
}
