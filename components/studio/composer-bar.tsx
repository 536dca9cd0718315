"use client";
import { Suspense, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { lazyPart } from "@/lib/client/lazy-part";

const WaitingNote = lazyPart(() => import("./form-notices").then((module) => module.WaitingNote));

/**
 * The cost and Generate, stuck to the bottom of the window while the form is in view (on a desktop and on a
 * phone alike), so neither is ever a scroll away. Its negative margins meet the panel's padding.
 */
export function ComposerBar({
  cost,
  variantsField,
  waitingFor,
  pending,
  started,
}: {
  cost: ReactNode;
  variantsField: ReactNode;
  /** A file is still being checked or uploaded ("busy"), or needs attention ("blocked"). */
  waitingFor: "busy" | "blocked" | null;
  pending: boolean;
  /** Tasks the last Generate started, until the next one. */
  started: number;
}) {
  return (
    <div className="sticky bottom-0 z-10 -mx-5 -mb-5 flex flex-col gap-2 rounded-b-2xl border-t border-zinc-200 bg-white px-5 py-3 sm:-mx-6 sm:-mb-6 sm:px-6 dark:border-zinc-800 dark:bg-zinc-900">
      {waitingFor && (
        <Suspense fallback={null}>
          <WaitingNote busy={waitingFor === "busy"} />
        </Suspense>
      )}
      <div className="flex items-end gap-3">
        <div className="min-w-0 flex-1">
          {cost}
          <p role="status" data-testid="submit-started" className="text-xs text-zinc-600 dark:text-zinc-300">
            {started > 0 && !pending && `Started${started > 1 ? ` ${started} takes` : ""}: see Generations.`}
          </p>
        </div>
        {variantsField}
        <Button type="submit" disabled={pending || Boolean(waitingFor)} className="min-h-11 sm:min-w-36">
          {pending ? "Sending…" : "Generate"}
        </Button>
      </div>
    </div>
  );
}
