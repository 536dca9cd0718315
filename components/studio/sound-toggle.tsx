"use client";
import { useState } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { setSoundOn, soundOn } from "@/lib/client/task-alerts";

/** Off by default; remembered in this browser. The history renders only in the browser, so storage is there. */
export function SoundToggle() {
  const [on, setOn] = useState(soundOn);
  return (
    <label className="flex items-center gap-2 self-end text-xs text-zinc-600 max-sm:min-h-11 dark:text-zinc-300">
      <Checkbox
        size="sm"
        data-testid="sound-toggle"
        checked={on}
        onChange={(event) => {
          setOn(event.target.checked);
          setSoundOn(event.target.checked);
        }}
      />
      Play a sound when a generation ends in a background tab
    </label>
  );
}
