"use client";
import { useBalance, useReadAgainAfterChanges } from "@/lib/client/balance";
import { formatCredits } from "@/lib/generation/pricing";

// Loaded when the browser is idle (HeaderBalance in studio.tsx, the cost estimate): not first-load code.

const UNAVAILABLE_HINT = "The studio could not read the Evolink account's balance; it will try again.";

/** The header's "Balance 1,095.4 credits", or "Balance unavailable" (never 0) when it could not be read. */
export function AccountBalance() {
  useReadAgainAfterChanges();
  const balance = useBalance();
  if (balance === null) return null;
  return (
    <p data-testid="account-balance" className="text-xs text-zinc-600 tabular-nums dark:text-zinc-300">
      {balance === "unavailable" ? (
        <span title={UNAVAILABLE_HINT}>Balance unavailable</span>
      ) : (
        <>
          Balance <span className="font-semibold text-zinc-900 dark:text-white">{formatCredits(balance)} credits</span>
        </>
      )}
    </p>
  );
}

/** Said before Generate when the estimate is more than the account holds (Evolink would refuse it: 402). */
export function BalanceWarning({ estimate }: { estimate: number }) {
  const balance = useBalance();
  if (typeof balance !== "number" || estimate <= balance) return null;
  return (
    <p data-testid="balance-warning" role="status" className="text-xs text-amber-800 dark:text-amber-300">
      This costs {formatCredits(estimate)} credits, more than the {formatCredits(balance)} left on the Evolink account:
      top it up first, or Evolink will refuse it.
    </p>
  );
}
