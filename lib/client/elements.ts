"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef } from "react";
import type { ElementRequest } from "../elements/schema";
import type { ElementView } from "../elements/view";
import { BROWSER_FALLBACK_POLL_MS, browserRetryDelayMs } from "../tasks/polling";
import { StudioApiError } from "./api";
import { deleteElementFromLibrary, fetchElements, patchElementName, postElement } from "./elements-api";
import { ELEMENTS_KEY } from "./query-keys";

/**
 * The element library. While an element is being created the list is asked again at the server's cadence
 * (its answer brings the creations up to date), backing off with jitter after a failed read.
 */
export function useElements() {
  return useQuery({
    queryKey: ELEMENTS_KEY,
    queryFn: ({ signal }) => fetchElements(signal),
    retry: false,
    // Elements made in another tab or instance show up when this one is looked at again.
    refetchOnWindowFocus: true,
    refetchInterval: (query) => {
      const creating = query.state.data?.filter((element) => element.status === "creating") ?? [];
      const failures = query.state.fetchFailureCount;
      if (failures > 0) return browserRetryDelayMs(creating[0]?.pollIntervalMs ?? BROWSER_FALLBACK_POLL_MS, failures);
      if (creating.length === 0) return false;
      return Math.min(...creating.map((element) => element.pollAfterMs));
    },
  });
}

function replaceIn(list: ElementView[] | undefined, element: ElementView): ElementView[] {
  const rest = (list ?? []).filter((entry) => entry.id !== element.id);
  return [element, ...rest].sort((a, b) => b.createdAt - a.createdAt);
}

/**
 * Creates an element. One idempotency key per intended element, as for Generate: a double click or a
 * retry after a dropped connection reuses it, and any answer from the server retires it.
 */
export function useCreateElement({ onCreated }: { onCreated: (element: ElementView) => void }) {
  const queryClient = useQueryClient();
  const idempotencyKey = useRef<string | null>(null);
  return useMutation({
    mutationFn: (request: ElementRequest) => {
      idempotencyKey.current ??= crypto.randomUUID();
      return postElement(request, idempotencyKey.current);
    },
    onSuccess: (element) => {
      idempotencyKey.current = null;
      queryClient.setQueryData<ElementView[]>(ELEMENTS_KEY, (list) => replaceIn(list, element));
      void queryClient.invalidateQueries({ queryKey: ELEMENTS_KEY });
      onCreated(element);
    },
    onError: (error) => {
      if (error instanceof StudioApiError && error.status !== 0) idempotencyKey.current = null;
      // A create whose outcome is unknown stays in the library as failed: show it.
      void queryClient.invalidateQueries({ queryKey: ELEMENTS_KEY });
    },
  });
}

export function useRenameElement(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => patchElementName(id, name),
    onSuccess: (element) => queryClient.setQueryData<ElementView[]>(ELEMENTS_KEY, (list) => replaceIn(list, element)),
  });
}

export function useDeleteElement(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteElementFromLibrary(id),
    onSuccess: () =>
      queryClient.setQueryData<ElementView[]>(ELEMENTS_KEY, (list) => list?.filter((entry) => entry.id !== id)),
  });
}
