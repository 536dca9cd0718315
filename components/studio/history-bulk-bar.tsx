"use client";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button, buttonVariants } from "@/components/ui/button";
import { StudioApiError } from "@/lib/client/api";
import { type HistoryFilters, type Selection, zipUrl } from "@/lib/client/history-api";
import { useBulkDelete } from "@/lib/client/history-mutations";
import type { SelectionState } from "@/lib/client/use-selection";
import { HISTORY_LIMITS, type BulkDeleteResult } from "@/lib/tasks/view";

/** Most entries one ZIP takes (the server refuses more and says so). */
const ZIP_CAP = HISTORY_LIMITS.zipMax;

/**
 * What to do with the chosen entries: delete them (one confirmation; the answer names running tasks the server
 * skipped) or download them as one ZIP, which the server streams and the browser saves.
 */
export function HistoryBulkBar({
  selection,
  filters,
  matching,
  loaded,
  onSelectAll,
  onClear,
  onDeleted,
}: {
  selection: SelectionState;
  filters: HistoryFilters;
  /** How many entries the filters match on the server. */
  matching: number;
  loaded: number;
  onSelectAll: () => void;
  onClear: () => void;
  onDeleted: (ids: string[]) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const remove = useBulkDelete();
  const chosen = selection.allMatching ? matching : selection.ids.size;
  const target: Selection = selection.allMatching
    ? { match: { status: filters.status, q: filters.q, starred: filters.starred } }
    : { ids: [...selection.ids] };
  const result = remove.data;
  const failure = remove.error instanceof StudioApiError ? remove.error.body : null;
  const label = chosen === 1 ? "1 entry" : `${chosen.toLocaleString("en-US")} entries`;

  return (
    <div className="flex flex-col gap-2" data-testid="history-bulk">
      <div className="flex flex-wrap items-center gap-2 text-xs text-zinc-600 dark:text-zinc-300">
        {chosen > 0 ? (
          <>
            <span className="font-medium" data-testid="history-selected">
              {label} selected
            </span>
            {!selection.allMatching && matching > chosen && (
              <Button variant="ghost" size="sm" onClick={onSelectAll}>
                Select all matching ({matching.toLocaleString("en-US")})
              </Button>
            )}
            <Button variant="ghost" size="sm" onClick={onClear}>
              Clear selection
            </Button>
            <span className="flex-1" />
            {chosen <= ZIP_CAP ? (
              <a href={zipUrl(target)} download className={buttonVariants({ variant: "secondary", size: "sm" })}>
                Download ZIP
              </a>
            ) : (
              <span>A ZIP holds at most {ZIP_CAP} entries</span>
            )}
            {confirming ? (
              <>
                <span>Delete {label} for good?</span>
                <Button variant="secondary" size="sm" onClick={() => setConfirming(false)}>
                  Keep
                </Button>
                <Button
                  variant="destructive"
                  size="sm"
                  disabled={remove.isPending}
                  onClick={() =>
                    remove.mutate(target, {
                      onSuccess: (answer) => onDeleted(answer.deleted),
                      onSettled: () => setConfirming(false),
                    })
                  }
                >
                  Delete for good
                </Button>
              </>
            ) : (
              <Button variant="destructive-ghost" size="sm" onClick={() => setConfirming(true)}>
                Delete selected
              </Button>
            )}
          </>
        ) : (
          loaded > 0 && (
            <Button variant="ghost" size="sm" onClick={onSelectAll}>
              Select all matching ({matching.toLocaleString("en-US")})
            </Button>
          )
        )}
      </div>
      {result && <BulkDeleteOutcome result={result} />}
      {failure && (
        <Alert tone="error" title={failure.message}>
          {failure.action}
        </Alert>
      )}
    </div>
  );
}

/** What a bulk delete did: how many went, and which running tasks were kept. */
function BulkDeleteOutcome({ result }: { result: BulkDeleteResult }) {
  if (result.deleted.length === 0 && result.skippedRunning.length === 0) return null;
  return (
    <Alert
      tone={result.skippedRunning.length > 0 ? "warning" : "info"}
      testId="history-bulk-result"
      title={`Deleted ${result.deleted.length === 1 ? "1 entry" : `${result.deleted.length} entries`}.`}
    >
      {result.skippedRunning.length > 0 && (
        <>
          <p>Still running, so kept (delete them once they finish):</p>
          <ul className="mt-1 list-disc pl-5">
            {result.skippedRunning.map((task) => (
              <li key={task.id} className="line-clamp-1 italic">
                “{task.prompt}”
              </li>
            ))}
          </ul>
        </>
      )}
    </Alert>
  );
}
