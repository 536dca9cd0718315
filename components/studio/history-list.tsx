"use client";
import { lazy, Suspense, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useHistory, useHistoryFilters, useLiveTasks } from "@/lib/client/history";
import { useDismissSubmission } from "@/lib/client/history-mutations";
import { useSelection } from "@/lib/client/use-selection";
import { useHistoryView } from "@/lib/client/history-view";
import type { TaskView, UnknownSubmissionView } from "@/lib/tasks/view";
import { HistoryBulkBar } from "./history-bulk-bar";
import { HistoryCards } from "./history-cards";
import { HistoryToolbar } from "./history-toolbar";
import { groupEntries } from "@/lib/client/variant-groups";
import { watchTasks } from "@/lib/client/task-alerts";
import { SoundToggle } from "./sound-toggle";

// The compare view (players, sync, wipe) is fetched only when someone opens it, the gallery when it is chosen.
const CompareView = lazy(() => import("./compare/compare-view").then((module) => ({ default: module.CompareView })));
const GalleryGrid = lazy(() => import("./gallery/gallery-grid").then((module) => ({ default: module.GalleryGrid })));

const UNKNOWN_CAUSE: Record<UnknownSubmissionView["cause"], string> = {
  interrupted: "Outcome unknown: the studio stopped while sending this to Evolink.",
  no_answer: "Outcome unknown: Evolink never answered this request (it timed out or the connection dropped).",
};

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
  const [comparing, setComparing] = useState<TaskView[] | null>(null);
  const [view, setView] = useHistoryView();
  const client = useQueryClient();
  // The tab title and the notifications follow every task this page polls.
  useEffect(() => watchTasks(client), [client]);

  const listRef = useRef<HTMLDivElement>(null);
  const scrollMargin = useOffsetTop(listRef);
  const { hasNextPage, isFetchingNextPage, fetchNextPage, isPlaceholderData } = history;
  const readOn = Boolean(hasNextPage && !isFetchingNextPage && !isPlaceholderData);
  const fetchMore = useCallback(() => void fetchNextPage(), [fetchNextPage]);
  const shown = {
    tasks,
    scrollMargin,
    readOn,
    onReadOn: fetchMore,
    onRemix,
    onCompare: setComparing,
    isSelected: selection.isSelected,
    onSelect: selection.toggle,
  };
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
      <SoundToggle />
      {(first?.counts.all ?? 0) > 0 || filtered ? (
        <>
          <HistoryToolbar filters={filters} counts={first?.counts} onChange={setFilters} view={view} onView={setView} />
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

      <div ref={listRef}>
        {view === "grid" ? (
          <Suspense fallback={<p className="text-sm text-zinc-600 dark:text-zinc-300">Loading the gallery…</p>}>
            <GalleryGrid {...shown} hasMore={Boolean(hasNextPage)} />
          </Suspense>
        ) : (
          <HistoryCards {...shown} entries={groupEntries(tasks)} />
        )}
      </div>
      {comparing && (
        <Suspense fallback={null}>
          <CompareView tasks={comparing} onClose={() => setComparing(null)} />
        </Suspense>
      )}
      {isFetchingNextPage && <p className="text-sm text-zinc-500 dark:text-zinc-400">Loading more…</p>}
    </div>
  );
}
