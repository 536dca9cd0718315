"use client";
import { useKeyRejected } from "@/lib/client/key-rejected";

/** Tells the operator, not the visitor, what to fix when Evolink rejects the server's key. */
export function KeyRejectedBanner() {
  if (!useKeyRejected()) return null;
  return (
    <div
      role="alert"
      data-testid="key-rejected"
      className="rounded-xl border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950/60 dark:text-red-100"
    >
      <p className="font-semibold">The server&apos;s Evolink API key was rejected.</p>
      <p className="mt-1">
        Nothing can be generated until the operator sets a valid <code className="font-mono">EVOLINK_API_KEY</code>{" "}
        (from the Evolink dashboard) and restarts the studio. The studio stopped polling instead of retrying.
      </p>
    </div>
  );
}
