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

/**
 * Under the estimate, before Generate, when it is more than the account holds (Evolink would refuse it: 402).
 * Short: on a phone it shares the bar with the takes and Generate.
 */
export function BalanceWarning({ estimate }: { estimate: number }) {
  const balance = useBalance();
  if (typeof balance !== "number" || estimate <= balance) return null;
  return (
    <span
      data-testid="balance-warning"
      title="Evolink refuses a generation the account cannot pay for: top up the account first."
      className="mt-0.5 text-xs font-medium text-amber-800 dark:text-amber-300"
    >
      More than your balance ({formatCredits(balance)} credits)
    </span>
  );
}
