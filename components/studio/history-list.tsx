"use client";
import { useState } from "react";
import { useQueries } from "@tanstack/react-query";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Chip } from "@/components/ui/chip";
import { useHistory } from "@/lib/client/history";
import { useDismissSubmission } from "@/lib/client/mutations";
import { taskQuery } from "@/lib/client/task";
import type { TaskView, UnknownSubmissionView } from "@/lib/tasks/view";
import type { TaskPhase } from "@/lib/evolink/contract";
import { TaskCard } from "./task-card";

type Filter = "all" | "running" | "completed" | "failed";

const FILTERS: Array<{ value: Filter; label: string; matches: (phase: TaskPhase) => boolean }> = [
  { value: "all", label: "All", matches: () => true },
  { value: "running", label: "Running", matches: (phase) => phase === "queued" || phase === "generating" },
  { value: "completed", label: "Completed", matches: (phase) => phase === "completed" },
  { value: "failed", label: "Failed", matches: (phase) => phase === "failed" },
];

const UNKNOWN_CAUSE: Record<UnknownSubmissionView["cause"], string> = {
  interrupted: "Outcome unknown: the studio stopped while sending this to Evolink.",
  no_answer: "Outcome unknown: Evolink never answered this request (it timed out or the connection dropped).",
};

/** Every generation made on this instance, newest first, filterable by status. */
export function HistoryList({ onRemix }: { onRemix: (task: TaskView) => void }) {
  const history = useHistory();
  const [filter, setFilter] = useState<Filter>("all");
  const dismiss = useDismissSubmission();
  const tasks = history.data?.tasks ?? [];
  // Each card polls its own task; the list only watches those results (never fetching itself), so the
  // filter and its counts follow a task the moment its card sees it finish.
  const live = useQueries({
    queries: tasks.map((task) => ({ ...taskQuery(task.id), enabled: false })),
  });
  const phases = new Map(tasks.map((task, index) => [task.id, live[index]?.data?.phase ?? task.phase]));
  const phaseOf = (task: TaskView) => phases.get(task.id) ?? task.phase;
  const matches = FILTERS.find((f) => f.value === filter)?.matches ?? (() => true);
  const visible = tasks.filter((task) => matches(phaseOf(task)));

  if (history.isPending) return <p className="text-sm text-zinc-600 dark:text-zinc-300">Loading your generations…</p>;
  if (history.isError && !history.data) {
    return (
      <Alert tone="warning" title="The history could not be loaded.">
        The studio server did not answer; it will try again in a few seconds.
      </Alert>
    );
  }
  return (
    <div className="flex flex-col gap-4">
      {tasks.length > 0 && (
        <div role="group" aria-label="Filter by status" className="flex flex-wrap gap-1.5">
          {FILTERS.map(({ value, label, matches: test }) => (
            <Chip key={value} variant="filter" aria-pressed={filter === value} onClick={() => setFilter(value)}>
              {label} · {tasks.filter((task) => test(phaseOf(task))).length}
            </Chip>
          ))}
        </div>
      )}

      {history.data?.unknownSubmissions.map((submission) => (
        <div key={submission.key} data-testid="unknown-submission">
          <Alert tone="warning" title={UNKNOWN_CAUSE[submission.cause]}>
            <p className="line-clamp-2 italic">“{submission.prompt}”</p>
            <p className="mt-1">
              It was not resent, so it cannot have been paid twice. Check your Evolink dashboard before generating it
              again.
            </p>
            <Button variant="secondary" size="sm" className="mt-2" onClick={() => dismiss.mutate(submission.key)}>
              Dismiss
            </Button>
          </Alert>
        </div>
      ))}

      {tasks.length === 0 ? (
        <div className="rounded-2xl border border-dashed border-zinc-300 px-6 py-12 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
          <p className="font-medium text-zinc-700 dark:text-zinc-300">No generations yet</p>
          <p className="mt-1">
            Write a prompt, add a reference video and press Generate. Progress shows up here, and stays.
          </p>
        </div>
      ) : visible.length === 0 ? (
        <p className="text-sm text-zinc-500">No {filter} generations.</p>
      ) : (
        visible.map((task) => <TaskCard key={task.id} initial={task} onRemix={onRemix} />)
      )}
    </div>
  );
}
