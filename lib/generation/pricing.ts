import { PRICE_PER_SECOND, UC_PER_CREDIT, type Quality, type TaskPhase } from "../evolink/contract";

export function estimateCost(quality: Quality, durationSeconds: number) {
  const seconds = Math.round(durationSeconds);
  const rate = PRICE_PER_SECOND[quality];
  return {
    seconds,
    credits: roundTo(rate.credits * seconds, 4),
    usd: roundTo(rate.usd * seconds, 3),
    creditsPerSecond: rate.credits,
  };
}

/**
 * The upstream does not say whether `credits_reserved` is in credits or UC. A value far above any
 * possible credit price for one clip (10 s at 1080p ≈ 108 credits) can only be UC.
 */
export function reservedCredits(creditsReserved: number): number {
  return creditsReserved > 1000 ? roundTo(creditsReserved / UC_PER_CREDIT, 4) : creditsReserved;
}

export function formatCredits(credits: number): string {
  return credits.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/**
 * What a card says about money, by phase: "Reserved" while it runs, "Charged" once completed, and "Not charged"
 * when it failed (CONTRACT.md, "Errors": failed tasks are not charged). Null when nothing is known to say.
 */
export function chargeText(phase: TaskPhase, credits: number | null): string | null {
  if (phase === "failed") return "Not charged";
  if (credits === null) return null;
  return `${phase === "completed" ? "Charged" : "Reserved"} ${formatCredits(credits)} credits`;
}

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
