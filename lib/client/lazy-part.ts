"use client";
import { lazy, useSyncExternalStore, type ComponentType } from "react";

/** Runs `task` once the browser is idle after the page's own work (or after 200 ms where it cannot tell). */
export function whenIdle(task: () => void): () => void {
  if (typeof window.requestIdleCallback !== "function") {
    const timer = setTimeout(task, 200);
    return () => clearTimeout(timer);
  }
  const handle = window.requestIdleCallback(task, { timeout: 2000 });
  return () => window.cancelIdleCallback(handle);
}

/**
 * A part of the page kept out of its first-load JavaScript: fetched when the browser is idle after the
 * page loads, so it is normally there before anyone needs it, or at its first render if that comes
 * sooner (the Suspense boundary around it shows its fallback meanwhile). A failed fetch is tried again
 * at the next render.
 */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loading: Promise<{ default: ComponentType<P> }> | undefined;
  const get = () =>
    (loading ??= load().then(
      (component) => ({ default: component }),
      (error: unknown) => {
        loading = undefined;
        throw error;
      },
    ));
  if (typeof window !== "undefined") whenIdle(() => void get().catch(() => undefined));
  return lazy(get);
}

const noSubscription = () => () => {};

/** False on the server and while hydrating, then true: lazy parts render only in the browser. */
export function useInBrowser(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}
