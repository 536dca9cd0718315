"use client";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { call } from "./api";
import { BALANCE_KEY } from "./query-keys";

/** The server caches the balance for 20 s; a tab asks again now and then, and after each Generate. */
const REFRESH_MS = 60_000;

/**
 * The account's remaining credits: a number, `null` while the first answer is on its way, or "unavailable"
 * when the studio could not read it (a rejected key, no answer, an unreadable one), which is never shown as 0.
 */
export function useBalance(): number | null | "unavailable" {
  const query = useQuery({
    queryKey: BALANCE_KEY,
    queryFn: async ({ signal }) => {
      const { credits } = await call<{ credits?: unknown }>("/api/balance", { signal });
      if (typeof credits !== "number" || !Number.isFinite(credits) || credits < 0) throw new Error("No balance");
      return credits;
    },
    staleTime: REFRESH_MS / 4,
    refetchInterval: REFRESH_MS,
    retry: false,
  });
  if (query.isError) return "unavailable";
  return query.data ?? null;
}

/**
 * A Generate (or an element made) reserves credits, and the server reads the balance again after each create:
 * any change this page makes is followed by a new read. Watched by the header's balance (always on the page),
 * so the form carries no balance code.
 */
export function useReadAgainAfterChanges(): void {
  const client = useQueryClient();
  useEffect(
    () =>
      client.getMutationCache().subscribe((event) => {
        if (event.type === "updated" && event.action.type === "success") {
          void client.invalidateQueries({ queryKey: BALANCE_KEY });
        }
      }),
    [client],
  );
}
