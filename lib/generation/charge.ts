import type { TaskPhase } from "../evolink/contract";
import { formatCredits } from "./pricing";

// Apart from pricing.ts, which the first screen loads: only the history's cards say this.

/**
 * What a card says about money, by phase: "Reserved" while it runs, "Charged" once completed, and "Not charged"
 * when it failed (CONTRACT.md, "Errors": failed tasks are not charged). Null when nothing is known to say.
 */
export function chargeText(phase: TaskPhase, credits: number | null): string | null {
  if (phase === "failed") return "Not charged";
  if (credits === null) return null;
  return `${phase === "completed" ? "Charged" : "Reserved"} ${formatCredits(credits)} credits`;
}
