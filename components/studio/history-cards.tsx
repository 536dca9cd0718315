"use client";
import { useLayoutEffect } from "react";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { isTerminal } from "@/lib/evolink/contract";
import type { HistoryEntry } from "@/lib/client/variant-groups";
import type { GalleryProps } from "./gallery/gallery-grid";
import { TaskCard } from "./task-card";
import { TaskPoller } from "./task-poller";
import { VariantGroup, type GroupProps } from "./variant-group";

/** A card's height before it is measured (a compact finished card); the real one replaces it once mounted. */
const ESTIMATED_CARD_PX = 250;
/** The next page is asked for when the last mounted card is this close to the end of what is loaded. */
const PREFETCH_CARDS = 10;

/** One list item: a lone entry's card, or a variant group. */
function HistoryItem({ entry, ...props }: { entry: HistoryEntry } & Omit<GroupProps, "tasks">) {
  const task = entry.tasks[0];
  if (entry.group) return <VariantGroup tasks={entry.tasks} {...props} />;
  if (!task) return null;
  return (
    <TaskCard
      initial={task}
      onRemix={props.onRemix}
      selected={props.isSelected(task.id)}
      onSelect={props.onSelect}
      onCompare={props.onCompare}
    />
  );
}

/**
 * The history as a list of cards (a variant group is one card): only the cards on screen, and a few either side,
 * are in the DOM, over the window's own scroll. Running entries scrolled away keep polling.
 */
export function HistoryCards({
  entries,
  tasks,
  scrollMargin,
  readOn,
  onReadOn,
  ...actions
}: Omit<GalleryProps, "hasMore"> & { entries: HistoryEntry[] }) {
  const virtualizer = useWindowVirtualizer({
    count: entries.length,
    estimateSize: (index) => ESTIMATED_CARD_PX * (entries[index]?.tasks.length ?? 1),
    overscan: 4,
    scrollMargin,
    getItemKey: (index) => entries[index]?.key ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastMounted = items.at(-1)?.index ?? -1;
  useLayoutEffect(() => {
    if (readOn && lastMounted >= entries.length - PREFETCH_CARDS) onReadOn();
  }, [readOn, onReadOn, lastMounted, entries.length]);
  const mounted = new Set(items.flatMap((item) => entries[item.index]?.tasks.map((task) => task.id) ?? []));
  const offscreenRunning = tasks.filter((task) => !isTerminal(task.phase) && !mounted.has(task.id));
  return (
    <>
      <div data-testid="history-list" className="relative w-full" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const entry = entries[item.index];
          if (!entry) return null;
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="absolute top-0 left-0 w-full pb-4"
              style={{ transform: `translateY(${item.start - scrollMargin}px)` }}
            >
              <HistoryItem entry={entry} {...actions} />
            </div>
          );
        })}
      </div>
      {offscreenRunning.map((task) => (
        <TaskPoller key={task.id} initial={task} />
      ))}
    </>
  );
}
