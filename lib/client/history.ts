"use client";
import {
  infiniteQueryOptions,
  keepPreviousData,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
  type QueryClient,
} from "@tanstack/react-query";
import { usePathname, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { isTerminal } from "../evolink/contract";
import { HISTORY_LIMITS, HISTORY_STATUSES, type TaskView } from "../tasks/view";
import { fetchHistoryChanges, fetchHistoryPage, type HistoryFilters, type StatusFilter } from "./history-api";
import { HISTORY_REFRESH_MS } from "../tasks/polling";
import { fitsFilters, loadedTasks, mergeChanges, type HistoryData } from "./history-cache";
import { HISTORY_KEY, taskQueryKey } from "./query-keys";

/** The first page is small, for a fast first screen; later ones are the server's maximum, for fewer round trips. */
const FIRST_PAGE = HISTORY_LIMITS.pageDefault;
const NEXT_PAGES = HISTORY_LIMITS.pageMax;
const STATUSES: readonly StatusFilter[] = HISTORY_STATUSES;
export const DEFAULT_FILTERS: HistoryFilters = { status: "all", q: "", starred: false, sort: "newest" };

export function historyKey(filters: HistoryFilters) {
  return [...HISTORY_KEY, filters] as const;
}

/** The history in pages, read on as the person scrolls; kept fresh by the refresh below, never refetched whole. */
export function historyQuery(filters: HistoryFilters) {
  return infiniteQueryOptions({
    queryKey: historyKey(filters),
    queryFn: ({ pageParam, signal }) =>
      fetchHistoryPage(filters, pageParam, pageParam ? NEXT_PAGES : FIRST_PAGE, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
    // Other filters keep the current cards on screen until their first page arrives.
    placeholderData: keepPreviousData,
  });
}

/** Filters as the URL holds them (`?q=…&status=…&starred=1&sort=oldest`), so a reload or a shared link keeps them. */
export function filtersFromParams(params: URLSearchParams): HistoryFilters {
  const status = params.get("status");
  return {
    status: STATUSES.includes(status as StatusFilter) ? (status as StatusFilter) : "all",
    q: params.get("q")?.trim() ?? "",
    starred: params.get("starred") === "1",
    sort: params.get("sort") === "oldest" ? "oldest" : "newest",
  };
}

/** The filters in the URL, and a setter that replaces the URL (no history entry per keystroke or chip). */
export function useHistoryFilters(): [HistoryFilters, (change: Partial<HistoryFilters>) => void] {
  const params = useSearchParams();
  const pathname = usePathname();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(params.toString())), [params]);
  const setFilters = useCallback(
    (change: Partial<HistoryFilters>) => {
      // The address as it is now, not as this render saw it: two quick changes (Starred, then a sort) both stay.
      // The native replaceState updates it at once, and Next keeps useSearchParams in step without a server trip.
      const next = new URLSearchParams(window.location.search);
      const merged = { ...filtersFromParams(next), ...change };
      const set = (name: string, value: string, fallback: string) =>
        value === fallback ? next.delete(name) : next.set(name, value);
      set("q", merged.q.trim(), "");
      set("status", merged.status, "all");
      set("starred", merged.starred ? "1" : "", "");
      set("sort", merged.sort, "newest");
      const query = next.toString();
      window.history.replaceState(null, "", query ? `${pathname}?${query}` : pathname);
    },
    [pathname],
  );
  return [filters, setFilters];
}

/** Keeps the per-task cache in step with a newer list entry, so a mounted card shows what the list learnt. */
function refreshTaskCache(client: QueryClient, tasks: TaskView[]) {
  for (const task of tasks) {
    const cached = client.getQueryData<TaskView>(taskQueryKey(task.id));
    if (cached && cached.updatedAt < task.updatedAt) client.setQueryData(taskQueryKey(task.id), task);
  }
}

/** The paged history for these filters, plus the idle refresh that folds in what changed since the last answer. */
export function useHistory(filters: HistoryFilters) {
  const history = useInfiniteQuery(historyQuery(filters));
  const loaded = history.isSuccess;
  useQuery({
    queryKey: ["history-refresh", filters],
    queryFn: async ({ signal, client }) => {
      const key = historyKey(filters);
      const since = client.getQueryData<HistoryData>(key)?.pages[0]?.since;
      if (!since) return null;
      const changes = await fetchHistoryChanges(filters, since, signal);
      refreshTaskCache(client, changes.changed);
      client.setQueryData<HistoryData>(key, (data) => mergeChanges(data, changes, filters));
      return changes.since;
    },
    enabled: loaded,
    staleTime: HISTORY_REFRESH_MS,
    refetchInterval: HISTORY_REFRESH_MS,
    refetchOnWindowFocus: false,
  });
  return history;
}

/** Counts of cache updates for polled tasks: a list that filters by phase re-reads them when this changes. */
function useTaskCacheVersion(): number {
  const cache = useQueryClient().getQueryCache();
  const [version, setVersion] = useState(0);
  useEffect(
    () =>
      cache.subscribe((event) => {
        if (event.type === "updated" && event.action.type === "success" && event.query.queryKey[0] === "task")
          setVersion((value) => value + 1);
      }),
    [cache],
  );
  return version;
}

/**
 * The loaded entries that still fit the filters as the browser knows them now: a running task's own polling (its
 * card, or its poller when off screen) is newer than the list, so a task that finishes leaves a "Running" list at
 * once. The entries themselves are the list's (a card starts from what the list said, e.g. large while running).
 */
export function useLiveTasks(data: HistoryData | undefined, filters: HistoryFilters): TaskView[] {
  const client = useQueryClient();
  const version = useTaskCacheVersion();
  return useMemo(() => {
    void version;
    const live = (task: TaskView) =>
      isTerminal(task.phase) ? task : (client.getQueryData<TaskView>(taskQueryKey(task.id)) ?? task);
    return loadedTasks(data).filter((task) => fitsFilters(live(task), filters));
  }, [client, data, filters, version]);
}
