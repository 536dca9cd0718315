import { Suspense } from "react";
import { estimateCost, formatCredits } from "@/lib/generation/pricing";
import { lazyPart, useInBrowser } from "@/lib/client/lazy-part";
import { DURATION_RANGE_TEXT, VARIANTS_MAX } from "@/lib/generation/rules";
import { LIMITS, type Quality } from "@/lib/evolink/contract";

const BalanceWarning = lazyPart(() => import("./form-notices").then((module) => module.BalanceWarning));

/** The credits one Generate costs: one take's price, times the takes when there are several. */
export function totalCredits(quality: Quality, duration: number, variants: number): number | null {
  const valid = Number.isInteger(duration) && duration >= LIMITS.durationMin && duration <= LIMITS.durationMax;
  if (!valid) return null;
  return estimateCost(quality, duration).credits * (validVariants(variants) ? variants : 1);
}

const validVariants = (variants: number) => Number.isInteger(variants) && variants >= 1 && variants <= VARIANTS_MAX;

export function CostEstimate({
  quality,
  duration,
  variants,
}: {
  quality: Quality;
  duration: number;
  variants: number;
}) {
  const total = totalCredits(quality, duration, variants);
  const cost = estimateCost(quality, total === null ? 0 : duration);
  const takes = validVariants(variants) ? variants : 1;
  // Drawn only after hydration: the balance may already be known when this part loads, unlike on the server.
  const inBrowser = useInBrowser();
  return (
    <div data-testid="cost-estimate" className="flex flex-col text-sm leading-tight">
      <span className="text-xs text-zinc-600 dark:text-zinc-300">Estimated cost</span>
      {total !== null ? (
        <>
          <span className="font-semibold text-zinc-900 dark:text-white">
            {takes > 1 && `${takes} × ${formatCredits(cost.credits)} = `}
            {formatCredits(total)} credits
          </span>
          <span className="text-xs text-zinc-600 dark:text-zinc-300">
            ≈ ${(cost.usd * takes).toFixed(2)} · {formatCredits(cost.creditsPerSecond)} credits/s × {cost.seconds} s
          </span>
          {inBrowser && (
            <Suspense fallback={null}>
              <BalanceWarning estimate={total} />
            </Suspense>
          )}
        </>
      ) : (
        <span className="text-xs text-zinc-600 dark:text-zinc-300">Choose a duration of {DURATION_RANGE_TEXT}</span>
      )}
    </div>
  );
}
