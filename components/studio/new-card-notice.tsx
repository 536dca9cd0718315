"use client";
import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { IconButton } from "@/components/ui/icon-button";

// Loaded at the first Generate that makes a card, so none of this is first-load code.

/** How close to an edge (px) a card may sit and still count as seen. */
const EDGE = 80;
// Long enough for a loaded machine to render the new card (it is usually there in the next frame).
const LOOK_FOR_MS = 5000;

const findCard = (id: string) =>
  document.querySelector<HTMLElement>(`[data-testid="task-card"][data-task-id="${CSS.escape(id)}"]`);

function bringIntoView(card: HTMLElement) {
  const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
  card.scrollIntoView({ behavior: reduced ? "auto" : "smooth", block: "center" });
}

const outOfView = ({ top, bottom }: DOMRect) => bottom < EDGE || top > window.innerHeight - EDGE;
// Any of the composer showing (its Generate button, say) means the person is at it.
const inSight = ({ top, bottom }: DOMRect) => bottom > 0 && top < window.innerHeight;

/**
 * After Generate: the new card is left alone when in sight, scrolled into view when the person is at the composer,
 * and announced with a "View" toast when they have left the composer to browse the history (a Generate from a
 * sticky bar or the keyboard), so their place is not taken from them. The toast stays until used or dismissed (no
 * timer to race), or until the next Generate replaces it.
 */
export function NewCardNotice({
  taskId,
  composer,
  onClose,
}: {
  taskId: string;
  composer: () => HTMLElement | null;
  onClose: () => void;
}) {
  const [away, setAway] = useState(false);
  useEffect(() => {
    const since = performance.now();
    let frame = 0;
    const look = () => {
      const card = findCard(taskId);
      if (!card && performance.now() - since < LOOK_FOR_MS) {
        frame = requestAnimationFrame(look);
        return;
      }
      const form = composer();
      // A long history renders only the entries near the viewport, so a card not found is far out of view.
      if (!card || outOfView(card.getBoundingClientRect())) {
        if (form && !inSight(form.getBoundingClientRect())) return setAway(true);
        if (card) bringIntoView(card);
      }
      onClose();
    };
    frame = requestAnimationFrame(look);
    return () => cancelAnimationFrame(frame);
  }, [taskId, composer, onClose]);

  if (!away) return null;
  return (
    <div
      role="status"
      data-testid="new-card-toast"
      className="fixed inset-x-4 bottom-4 z-40 flex items-center gap-3 rounded-xl border border-zinc-200 bg-white py-2 pr-2 pl-4 text-sm shadow-lg sm:inset-x-auto sm:right-6 sm:bottom-6 dark:border-zinc-700 dark:bg-zinc-900"
    >
      <span className="flex-1 text-zinc-800 dark:text-zinc-100">Generation started.</span>
      <Button
        variant="secondary"
        onClick={() => {
          const card = findCard(taskId);
          if (card) bringIntoView(card);
          else {
            // Rendered again once its place in the list is near: look for it after going to the list's top.
            document.getElementById("generations")?.scrollIntoView({ block: "start" });
            const center = () => findCard(taskId)?.scrollIntoView({ block: "center" });
            requestAnimationFrame(() => requestAnimationFrame(center));
          }
          onClose();
        }}
      >
        View
      </Button>
      <IconButton aria-label="Dismiss" onClick={onClose}>
        <span aria-hidden>×</span>
      </IconButton>
    </div>
  );
}
