"use client";
import { useLayoutEffect, useRef, useState } from "react";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { isTerminal } from "@/lib/evolink/contract";
import type { TaskView } from "@/lib/tasks/view";
import { TaskPoller } from "../task-poller";
import { GalleryTile } from "./gallery-tile";
import { TaskViewer, type ViewerProps } from "./task-viewer";

/** Columns for the width the gallery has: two on a phone, up to four on a wide screen. */
function columnsFor(width: number): number {
  return width < 480 ? 2 : width < 880 ? 3 : 4;
}
/** The next page is asked for when the last mounted row, or the entry open in the viewer, is this close to the end. */
const PREFETCH_ROWS = 3;
const GAP_PX = 16;

export type GalleryProps = Pick<ViewerProps, "onRemix" | "onCompare" | "isSelected" | "onSelect"> & {
  tasks: TaskView[];
  /** Where the list starts on the page (the window scrolls, as in the list view). */
  scrollMargin: number;
  readOn: boolean;
  hasMore: boolean;
  onReadOn: () => void;
};

function useColumns(element: React.RefObject<HTMLElement | null>): [number, number] {
  const [size, setSize] = useState<[number, number]>([3, 240]);
  useLayoutEffect(() => {
    const node = element.current;
    if (!node) return;
    const measure = () => {
      const columns = columnsFor(node.clientWidth);
      const tile = (node.clientWidth - GAP_PX * (columns - 1)) / columns;
      // A 16:9 poster and two lines of prompt under it.
      setSize([columns, Math.round((tile * 9) / 16 + 48)]);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(node);
    return () => observer.disconnect();
  }, [element]);
  return size;
}

/**
 * The history as a grid of posters, rows mounted only while on screen (like the list), and the viewer that opens
 * from any tile. Running entries keep polling wherever they are.
 */
export function GalleryGrid({ tasks, scrollMargin, readOn, hasMore, onReadOn, ...actions }: GalleryProps) {
  const gridRef = useRef<HTMLDivElement>(null);
  const [columns, rowHeight] = useColumns(gridRef);
  const [open, setOpen] = useState<number | null>(null);
  const rows = Math.ceil(tasks.length / columns);
  const virtualizer = useWindowVirtualizer({
    count: rows,
    estimateSize: () => rowHeight + GAP_PX,
    overscan: 3,
    scrollMargin,
  });
  const items = virtualizer.getVirtualItems();
  const lastRow = items.at(-1)?.index ?? -1;
  const viewing = open === null ? null : Math.min(open, tasks.length - 1);
  const nearEnd = lastRow >= rows - PREFETCH_ROWS || (viewing !== null && viewing >= tasks.length - columns);
  useLayoutEffect(() => {
    if (readOn && nearEnd) onReadOn();
  }, [readOn, nearEnd, onReadOn]);
  useLayoutEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  const first = (items[0]?.index ?? 0) * columns;
  const last = (lastRow + 1) * columns;
  const offscreenRunning = tasks.filter((task, index) => !isTerminal(task.phase) && (index < first || index >= last));
  return (
    <>
      <div
        ref={gridRef}
        data-testid="gallery-grid"
        className="relative w-full"
        style={{ height: virtualizer.getTotalSize() }}
      >
        {items.map((row) => (
          <div
            key={row.key}
            className="absolute top-0 left-0 grid w-full"
            style={{
              transform: `translateY(${row.start - scrollMargin}px)`,
              gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              gap: GAP_PX,
            }}
          >
            {tasks.slice(row.index * columns, (row.index + 1) * columns).map((task, column) => (
              <GalleryTile
                key={task.id}
                initial={task}
                selected={actions.isSelected(task.id)}
                onSelect={actions.onSelect}
                onOpen={() => setOpen(row.index * columns + column)}
              />
            ))}
          </div>
        ))}
      </div>
      {offscreenRunning.map((task) => (
        <TaskPoller key={task.id} initial={task} />
      ))}
      {viewing !== null && viewing >= 0 && (
        <TaskViewer
          tasks={tasks}
          index={viewing}
          hasMore={hasMore}
          onIndex={setOpen}
          onClose={() => setOpen(null)}
          {...actions}
        />
      )}
    </>
  );
}
