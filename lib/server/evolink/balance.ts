import "server-only";
import { getCredits } from "./client";

/** How long one answer serves every tab: the balance moves only with tasks, and a Generate clears it. */
const FRESH_MS = 20_000;
/** A failure is kept for less, so a key put right or a network back shows soon. */
const FAILED_MS = 5_000;

let entry: { until: number; credits: Promise<number> } | null = null;

/** The account's balance, asked upstream at most once at a time and reused briefly. */
export function accountBalance(): Promise<number> {
  if (entry && Date.now() < entry.until) return entry.credits;
  // Until it settles, every caller shares this one request.
  const current = { until: Number.POSITIVE_INFINITY, credits: getCredits() };
  entry = current;
  const keepFor = (ms: number) => () => {
    current.until = Date.now() + ms;
  };
  current.credits.then(keepFor(FRESH_MS), keepFor(FAILED_MS));
  return current.credits;
}

/** After a create (it reserved credits): the next read asks upstream, even while an older read is in flight. */
export function invalidateBalance(): void {
  entry = null;
}
