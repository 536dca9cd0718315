"use client";
import type { ElementRequest } from "../elements/schema";
import type { ElementView } from "../elements/view";
import { call } from "./api";

// The browser's calls to the studio's element routes (loaded with the Elements panel, not the first screen).

export async function fetchElements(signal?: AbortSignal): Promise<ElementView[]> {
  return (await call<{ elements: ElementView[] }>("/api/elements", { signal })).elements;
}

/** The same key on a repeat (double click, network retry) gets the same element back: one creation, one credit. */
export function postElement(request: ElementRequest, idempotencyKey: string): Promise<ElementView> {
  return call("/api/elements", {
    method: "POST",
    headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
    body: JSON.stringify(request),
  });
}

export function patchElementName(id: string, name: string): Promise<ElementView> {
  return call(`/api/elements/${encodeURIComponent(id)}`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
}

export function deleteElementFromLibrary(id: string): Promise<void> {
  return call(`/api/elements/${encodeURIComponent(id)}`, { method: "DELETE" });
}
