import { estimateCost, formatCredits } from "@/lib/generation/pricing";
import { DURATION_RANGE_TEXT } from "@/lib/generation/rules";
import { LIMITS, type Quality } from "@/lib/evolink/contract";

export function CostEstimate({ quality, duration }: { quality: Quality; duration: number }) {
  const valid = Number.isInteger(duration) && duration >= LIMITS.durationMin && duration <= LIMITS.durationMax;
  const cost = estimateCost(quality, valid ? duration : 0);
  return (
    <div
      data-testid="cost-estimate"
      className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 rounded-lg bg-zinc-100 px-3 py-2.5 text-sm dark:bg-zinc-800/60"
    >
      <span className="text-zinc-600 dark:text-zinc-300">Estimated cost</span>
      {valid ? (
        <span className="flex flex-wrap items-baseline justify-end gap-x-2">
          <span className="font-semibold text-zinc-900 dark:text-white">{formatCredits(cost.credits)} credits</span>
          <span className="text-xs text-zinc-600 dark:text-zinc-300">
            ≈ ${cost.usd.toFixed(2)} · {cost.creditsPerSecond} credits/s × {cost.seconds} s
          </span>
        </span>
      ) : (
        <span className="text-zinc-600 dark:text-zinc-300">Choose a duration of {DURATION_RANGE_TEXT}</span>
      )}
    </div>
  );
}
