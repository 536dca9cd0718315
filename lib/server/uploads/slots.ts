import "server-only";
import { config } from "../config";
import { errorResponse } from "../http/api-response";
import { clientKey } from "../http/rate-limit";

// A refused upload is asked to come back after this long: long enough for a small file to finish.
const RETRY_AFTER_SECONDS = 5;

const globalForSlots = globalThis as typeof globalThis & {
  __uploadSlots?: { total: number; byClient: Map<string, number> };
};
const slots = (globalForSlots.__uploadSlots ??= { total: 0, byClient: new Map() });

export type UploadSlot = { ok: true; release: () => void } | { ok: false; response: Response };

/**
 * Takes one of the uploads that may run at once: `UPLOAD_MAX_CONCURRENT_PER_CLIENT` (5) per client and
 * `UPLOAD_MAX_CONCURRENT` (64) in all, so stalled or slow uploads cannot pile up memory and file
 * handles. Refused with 429 (this client) or 503 (everyone), each with Retry-After.
 */
export function takeUploadSlot(request: Request): UploadSlot {
  const key = clientKey(request);
  const mine = slots.byClient.get(key) ?? 0;
  const { maxConcurrentPerClient: perClient, maxConcurrent: total } = config().uploads;
  const headers = { "Retry-After": String(RETRY_AFTER_SECONDS) };
  if (mine >= perClient) {
    return {
      ok: false,
      response: errorResponse("too_many_uploads", {
        detail: `At most ${perClient} uploads at a time per browser.`,
        headers,
      }),
    };
  }
  if (slots.total >= total) {
    return {
      ok: false,
      response: errorResponse("uploads_busy", { detail: `Try again in ${RETRY_AFTER_SECONDS} s.`, headers }),
    };
  }
  slots.total += 1;
  slots.byClient.set(key, mine + 1);
  let released = false;
  return {
    ok: true,
    release() {
      if (released) return;
      released = true;
      slots.total -= 1;
      const left = (slots.byClient.get(key) ?? 1) - 1;
      if (left > 0) slots.byClient.set(key, left);
      else slots.byClient.delete(key);
    },
  };
}
