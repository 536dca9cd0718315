import "server-only";
import { z } from "zod";

/** The value kinds the configuration's variables are made of (config.ts); each message says what is accepted. */
export const blankIsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
export const trimmed = z.preprocess((value) => (typeof value === "string" ? value.trim() : value), z.string());

/** A whole number within min–max; every message states the accepted range. */
export function wholeNumber(min: number, max: number, unit: string, noun: string) {
  const range = ` (accepted: ${min}–${max}${unit ? ` ${unit}` : ""})`;
  return z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: `must be a number of ${noun}${range}` })
      .int(`must be a whole number of ${noun}${range}`)
      .min(min, `must be at least ${min}${unit ? ` ${unit}` : ""}${range}`)
      .max(max, `must be at most ${max}${unit ? ` ${unit}` : ""}${range}`),
  );
}

export const milliseconds = (min: number) => wholeNumber(min, 600_000, "ms", "milliseconds");
export const perMinute = wholeNumber(1, 1_000_000, "", "requests a minute");
export const optionalText = z.preprocess(blankIsUnset, trimmed.optional());
export const optionalSecret = z.preprocess((value) => (value === "" ? undefined : value), z.string().optional());

export const httpBase = z.preprocess(
  blankIsUnset,
  trimmed.refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, "must be an absolute http:// or https:// URL"),
);

export function safeProtocol(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return "";
  }
}

/** The password inside a postgres:// URL, decoded, for the log's scrubber. */
export function databasePassword(url: string | undefined): string | undefined {
  try {
    return url ? decodeURIComponent(new URL(url.trim()).password) || undefined : undefined;
  } catch {
    return undefined;
  }
}
