"use client";
import { Button } from "@/components/ui/button";

/** "or paste a link": opens the URL box behind a drop zone and puts the cursor in it. */
export function LinkToggle({ target, label, onOpen }: { target: string; label: string; onOpen: () => void }) {
  return (
    <Button
      variant="ghost"
      size="link"
      className="self-start px-1 font-medium underline-offset-2 hover:underline"
      aria-expanded={false}
      onClick={() => {
        onOpen();
        requestAnimationFrame(() => document.getElementById(target)?.focus());
      }}
    >
      {label}
    </Button>
  );
}
