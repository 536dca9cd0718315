"use client";
import { useEffect, useState } from "react";
import { Chip } from "@/components/ui/chip";
import { Input, Select } from "@/components/ui/input";
import type { HistoryFilters, StatusFilter } from "@/lib/client/history-api";
import type { HistoryView } from "@/lib/client/history-view";
import type { HistoryCounts } from "@/lib/tasks/view";

const STATUS_CHIPS: Array<{ value: StatusFilter; label: string }> = [
  { value: "all", label: "All" },
  { value: "running", label: "Running" },
  { value: "completed", label: "Completed" },
  { value: "failed", label: "Failed" },
];

/** Typing waits this long for a pause before the list asks the server again. */
const SEARCH_DEBOUNCE_MS = 250;

/**
 * Search, status chips with the server's counts, the Starred filter, the sort and grid or list; all of it lives in
 * the URL.
 */
export function HistoryToolbar({
  filters,
  counts,
  onChange,
  view,
  onView,
}: {
  filters: HistoryFilters;
  counts: HistoryCounts | undefined;
  onChange: (change: Partial<HistoryFilters>) => void;
  view: HistoryView;
  onView: (view: HistoryView) => void;
}) {
  const [text, setText] = useState(filters.q);
  useEffect(() => {
    if (text.trim() === filters.q) return;
    const timer = setTimeout(() => onChange({ q: text }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text, filters.q, onChange]);
  const count = (n: number | undefined) => (n === undefined ? "…" : n.toLocaleString("en-US"));

  return (
    <div className="flex flex-col gap-2.5">
      <div className="flex gap-2">
        <label htmlFor="history-search" className="sr-only">
          Search prompts
        </label>
        <Input
          id="history-search"
          type="search"
          placeholder="Search prompts"
          autoComplete="off"
          value={text}
          onChange={(event) => setText(event.target.value)}
          maxLength={500}
        />
        <label htmlFor="history-sort" className="sr-only">
          Sort
        </label>
        <Select
          id="history-sort"
          className="w-auto shrink-0"
          value={filters.sort}
          onChange={(event) => onChange({ sort: event.target.value === "oldest" ? "oldest" : "newest" })}
        >
          <option value="newest">Newest first</option>
          <option value="oldest">Oldest first</option>
        </Select>
      </div>
      <div className="flex flex-wrap items-center gap-1.5">
        <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-1.5">
          {STATUS_CHIPS.map(({ value, label }) => (
            <Chip
              key={value}
              variant="filter"
              aria-pressed={filters.status === value}
              onClick={() => onChange({ status: value })}
            >
              {label} · {count(counts?.[value])}
            </Chip>
          ))}
        </div>
        <Chip variant="filter" aria-pressed={filters.starred} onClick={() => onChange({ starred: !filters.starred })}>
          Starred · {count(counts?.starred)}
        </Chip>
        <div role="group" aria-label="Show as" className="ml-auto flex gap-1.5">
          <Chip variant="filter" aria-pressed={view === "grid"} onClick={() => onView("grid")}>
            Grid
          </Chip>
          <Chip variant="filter" aria-pressed={view === "list"} onClick={() => onView("list")}>
            List
          </Chip>
        </div>
      </div>
    </div>
  );
}
