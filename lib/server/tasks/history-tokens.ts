import "server-only";
import { createHash } from "node:crypto";
import type { HistorySort } from "../../tasks/view";
import type { ListPosition } from "../store/history";
import { TOMBSTONE_KEEP_MS } from "../store/tasks";

/**
 * Cursors and `since` tokens are opaque to the browser: base64url JSON plus a checksum. The checksum is not a
 * secret: a hand-made position shows nothing the list does not already show. It makes a mangled, truncated or
 * edited token a clear 400 instead of a silently wrong page, and each token is bound to the filter it was made
 * for, so it cannot be replayed under another one.
 */
const MAX_TOKEN_CHARS = 1000;
const CHECK_CHARS = 22;

const digest = (text: string, length: number) => createHash("sha256").update(text).digest("base64url").slice(0, length);

/** A short fingerprint of the filter a token was made for. */
export const filterKey = (status: string, q: string, starred: boolean): string =>
  digest(`${status}\n${starred ? 1 : 0}\n${q.trim()}`, 12);

function seal(kind: string, payload: object): string {
  const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
  return `${body}.${digest(`kling-history-${kind}\n${body}`, CHECK_CHARS)}`;
}

function open(kind: string, token: string): Record<string, unknown> | null {
  if (token.length > MAX_TOKEN_CHARS) return null;
  const [body, check, extra] = token.split(".");
  if (!body || extra !== undefined || check !== digest(`kling-history-${kind}\n${body}`, CHECK_CHARS)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const isTime = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

export function encodeCursor(sort: HistorySort, filter: string, last: ListPosition): string {
  return seal("cursor", { s: sort, f: filter, c: last.createdAt, i: last.id });
}

/** The position a cursor holds, or why it cannot be used. */
export function decodeCursor(token: string, sort: HistorySort, filter: string): ListPosition | string {
  const value = open("cursor", token);
  if (!value || !isTime(value.c) || typeof value.i !== "string" || value.i.length > 200)
    return "The cursor is damaged or was not made by this studio.";
  if (value.s !== sort || value.f !== filter)
    return "The cursor was made for another filter or sort; ask for the first page again.";
  return { createdAt: value.c, id: value.i };
}

export function encodeSince(filter: string, at: number): string {
  return seal("since", { f: filter, t: at });
}

/** The time a `since` token holds, or why it cannot be used. */
export function decodeSince(token: string, filter: string, now = Date.now()): number | string {
  const value = open("since", token);
  if (!value || !isTime(value.t) || value.t > now + 60_000)
    return "The since token is damaged or was not made by this studio.";
  if (value.f !== filter) return "The since token was made for another filter; ask for the first page again.";
  if (value.t < now - TOMBSTONE_KEEP_MS)
    return "The since token is older than the studio remembers deletions; ask for the first page again.";
  return value.t;
}
