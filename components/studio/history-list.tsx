"use client";
import { lazy, Suspense, useLayoutEffect, useRef, useState } from "react";
import { useWindowVirtualizer } from "@tanstack/react-virtual";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHistory, useHistoryFilters, useLiveTasks } from "@/lib/client/history";
import { useDismissSubmission } from "@/lib/client/history-mutations";
import { useSelection } from "@/lib/client/use-selection";
import { useTask } from "@/lib/client/task";
import type { TaskView, UnknownSubmissionView } from "@/lib/tasks/view";
import { isTerminal } from "@/lib/evolink/contract";
import { HistoryBulkBar } from "./history-bulk-bar";
import { HistoryToolbar } from "./history-toolbar";
import { TaskCard } from "./task-card";
import { VariantGroup, type GroupProps } from "./variant-group";
import { groupEntries, type HistoryEntry } from "@/lib/client/variant-groups";

// The compare view (players, sync, wipe) is fetched only when someone opens it.
const CompareView = lazy(() => import("./compare/compare-view").then((module) => ({ default: module.CompareView })));

const UNKNOWN_CAUSE: Record<UnknownSubmissionView["cause"], string> = {
  interrupted: "Outcome unknown: the studio stopped while sending this to Evolink.",
  no_answer: "Outcome unknown: Evolink never answered this request (it timed out or the connection dropped).",
};

/** A card's height before it is measured (a compact finished card); the real one replaces it once mounted. */
const ESTIMATED_CARD_PX = 250;
/** The next page is asked for when the last mounted card is this close to the end of what is loaded. */
const PREFETCH_CARDS = 10;

/** Submissions whose outcome nobody knows, each until dismissed. */
function UnknownSubmissions({ submissions }: { submissions: UnknownSubmissionView[] }) {
  const dismiss = useDismissSubmission();
  return submissions.map((submission) => (
    <div key={submission.key} data-testid="unknown-submission">
      <Alert tone="warning" title={UNKNOWN_CAUSE[submission.cause]}>
        <p className="line-clamp-2 italic">“{submission.prompt}”</p>
        <p className="mt-1">
          It was not resent, so it cannot have been paid twice. Check your Evolink dashboard before generating it again.
        </p>
        <Button variant="secondary" size="sm" className="mt-2" onClick={() => dismiss.mutate(submission.key)}>
          Dismiss
        </Button>
      </Alert>
    </div>
  ));
}

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

/** Keeps a running task moving while its card is scrolled out of the DOM. */
function TaskPoller({ initial }: { initial: TaskView }) {
  useTask(initial);
  return null;
}

/** Where the list starts on the page, kept current as what is above it (the form, on a phone) grows or shrinks. */
function useOffsetTop(element: React.RefObject<HTMLElement | null>): number {
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => {
    const measure = () => {
      if (element.current) setOffset(element.current.getBoundingClientRect().top + window.scrollY);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.body);
    return () => observer.disconnect();
  }, [element]);
  return offset;
}

/**
 * Every generation on this instance, read in pages as the person scrolls. Only the cards on screen are in the
 * DOM; search, status, Starred and sort come from the URL and are answered by the server.
 */
export function HistoryList({ onRemix }: { onRemix: (task: TaskView) => void }) {
  const [filters, setFilters] = useHistoryFilters();
  const history = useHistory(filters);
  const tasks = useLiveTasks(history.data, filters);
  const first = history.data?.pages[0];
  const order = tasks.map((task) => task.id);
  const selection = useSelection(order, JSON.stringify(filters));
  const entries = groupEntries(tasks);
  const [comparing, setComparing] = useState<TaskView[] | null>(null);

  const listRef = useRef<HTMLDivElement>(null);
  const scrollMargin = useOffsetTop(listRef);
  const virtualizer = useWindowVirtualizer({
    count: entries.length,
    estimateSize: (index) => ESTIMATED_CARD_PX * (entries[index]?.tasks.length ?? 1),
    overscan: 4,
    scrollMargin,
    getItemKey: (index) => entries[index]?.key ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const lastMounted = items.at(-1)?.index ?? -1;
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isPlaceholderData } = history;
  const readOn = hasNextPage && !isFetchingNextPage && !isPlaceholderData;
  useLayoutEffect(() => {
    if (readOn && lastMounted >= entries.length - PREFETCH_CARDS) void fetchNextPage();
  }, [readOn, fetchNextPage, lastMounted, entries.length]);

  const mounted = new Set(items.flatMap((item) => entries[item.index]?.tasks.map((task) => task.id) ?? []));
  const offscreenRunning = tasks.filter((task) => !isTerminal(task.phase) && !mounted.has(task.id));
  const filtered = filters.q !== "" || filters.starred || filters.status !== "all";

  if (history.isPending) return <p className="text-sm text-zinc-600 dark:text-zinc-300">Loading your generations…</p>;
  if (history.isError && !history.data) {
    return (
      <Alert tone="warning" title="The history could not be loaded.">
        The studio server did not answer; it will try again in a few seconds.
      </Alert>
    );
  }
  const matching = first ? (filters.starred ? first.counts.starred : first.counts[filters.status]) : 0;
  return (
    <div className="flex flex-col gap-4">
      {(first?.counts.all ?? 0) > 0 || filtered ? (
        <>
          <HistoryToolbar filters={filters} counts={first?.counts} onChange={setFilters} />
          <HistoryBulkBar
            selection={selection.selection}
            filters={filters}
            matching={matching}
            loaded={tasks.length}
            onSelectAll={selection.selectAllMatching}
            onClear={selection.clear}
            onDeleted={selection.drop}
          />
        </>
      ) : null}

      {first && <UnknownSubmissions submissions={first.unknownSubmissions} />}

      {tasks.length === 0 && !filtered && !hasNextPage ? (
        <div className="rounded-2xl border border-dashed border-zinc-300 px-6 py-12 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          <p className="font-medium text-zinc-700 dark:text-zinc-300">No generations yet</p>
          <p className="mt-1">
            Write a prompt, add a reference video and press Generate. Progress shows up here, and stays.
          </p>
        </div>
      ) : tasks.length === 0 && !hasNextPage ? (
        <p className="text-sm text-zinc-500 dark:text-zinc-400">No generations match these filters.</p>
      ) : null}

      <div
        ref={listRef}
        data-testid="history-list"
        className="relative w-full"
        style={{ height: virtualizer.getTotalSize() }}
      >
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
              <HistoryItem
                entry={entry}
                onRemix={onRemix}
                isSelected={selection.isSelected}
                onSelect={selection.toggle}
                onCompare={setComparing}
              />
            </div>
          );
        })}
      </div>
      {comparing && (
        <Suspense fallback={null}>
          <CompareView tasks={comparing} onClose={() => setComparing(null)} />
        </Suspense>
      )}
      {isFetchingNextPage && <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading more…</p>}
      {offscreenRunning.map((task) => (
        <TaskPoller key={task.id} initial={task} />
      ))}
    </div>
  );
}
