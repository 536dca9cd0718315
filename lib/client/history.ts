"use client";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { fetchHistory } from "./api";
import { HISTORY_KEY } from "./history-cache";
import { HISTORY_REFRESH_MS } from "../tasks/polling";

/** Every generation on this instance; refreshed now and then so other tabs' work shows up too. */
export const historyQuery = queryOptions({
  queryKey: HISTORY_KEY,
  queryFn: ({ signal }) => fetchHistory(signal),
  refetchInterval: HISTORY_REFRESH_MS,
});

export function useHistory() {
  return useQuery(historyQuery);
}
