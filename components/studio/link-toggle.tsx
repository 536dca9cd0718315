"use client";
import { Button } from "@/components/ui/button";

/** "or paste a link": opens the URL box behind a drop zone (which then takes the focus). */
export function LinkToggle({ label, onOpen }: { label: string; onOpen: () => void }) {
  return (
    <Button variant="ghost" size="link" className="self-start px-1 font-medium hover:underline" onClick={onOpen}>
      {label}
    </Button>
  );
}
