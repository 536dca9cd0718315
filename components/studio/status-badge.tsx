import { PHASE_LABEL } from "@/lib/tasks/view";
import { type TaskPhase } from "@/lib/evolink/contract";

const STYLES: Record<TaskPhase, string> = {
  queued: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
  generating: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-200",
  completed: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
};

/** A phase as a coloured badge; `label` words it for something other than a generation (an element). */
export function StatusBadge({
  phase,
  label = PHASE_LABEL[phase],
  testId = "task-status",
}: {
  phase: TaskPhase;
  label?: string;
  testId?: string;
}) {
  return (
    <span
      data-testid={testId}
      className={`inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-semibold ${STYLES[phase]}`}
    >
      {phase === "generating" && <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden />}
      {label}
    </span>
  );
}
