"use client";

// The cache keys, in a module of their own: the form, the mutations and the readers all name them, and none
// should load another's code to do so.

export const HISTORY_KEY = ["history"] as const;

export function taskQueryKey(id: string) {
  return ["task", id] as const;
}

export const ELEMENTS_KEY = ["elements"] as const;

export const BALANCE_KEY = ["balance"] as const;

export const GENERATE_KEY = ["generate"] as const;
