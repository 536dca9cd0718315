"use client";
import { useCallback, useSyncExternalStore } from "react";

export type HistoryView = "list" | "grid";

/** Where the person's last choice is kept, so a plain visit to `/` opens the history as they left it. */
const STORAGE_KEY = "studio.history-view";
const listeners = new Set<() => void>();

function currentView(): HistoryView {
  const fromAddress = new URLSearchParams(window.location.search).get("view");
  if (fromAddress === "grid" || fromAddress === "list") return fromAddress;
  try {
    return window.localStorage.getItem(STORAGE_KEY) === "grid" ? "grid" : "list";
  } catch {
    return "list";
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Grid (posters) or list (cards). It lives in the address like the filters (`?view=grid`), so a shared link opens
 * the same way, and is remembered for the next visit. It never reaches the server: the pages are the same.
 */
export function useHistoryView(): [HistoryView, (view: HistoryView) => void] {
  const view = useSyncExternalStore(subscribe, currentView, () => "list" as const);
  const setView = useCallback((next: HistoryView) => {
    const params = new URLSearchParams(window.location.search);
    if (next === "list") params.delete("view");
    else params.set("view", next);
    const query = params.toString();
    window.history.replaceState(null, "", query ? `${window.location.pathname}?${query}` : window.location.pathname);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private mode or storage full: the address still holds the choice.
    }
    for (const listener of listeners) listener();
  }, []);
  return [view, setView];
}
