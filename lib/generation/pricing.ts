import { PRICE_PER_SECOND, UC_PER_CREDIT, type Quality } from "../evolink/contract";

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

function roundTo(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
