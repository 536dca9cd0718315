import type { Quality } from "./rules";

/** Credits and USD per output second (upstream-api.md §6). Billing follows the output duration. */
export const PRICE_PER_SECOND: Record<Quality, { credits: number; usd: number }> = {
  "720p": { credits: 8.1, usd: 0.112 },
  "1080p": { credits: 10.8054, usd: 0.15 },
};

// 1 credit = 10,000 UC; some Kling examples report credits_reserved in UC (upstream-api.md §6).
const UC_PER_CREDIT = 10_000;

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
