"use client";
import { IconButton } from "@/components/ui/icon-button";
import { cn } from "@/components/ui/cn";
import { useStarTask } from "@/lib/client/history-mutations";

/** The favourite toggle: it flips at once and flips back if the server refuses. */
export function TaskStar({ id, starred }: { id: string; starred: boolean }) {
  const star = useStarTask();
  return (
    <IconButton
      aria-label={starred ? "Unstar" : "Star"}
      aria-pressed={starred}
      title={star.isError ? "The star could not be saved; try again." : undefined}
      onClick={() => star.mutate({ id, starred: !starred })}
      className={cn(starred ? "text-amber-500 dark:text-amber-400" : "text-zinc-400 dark:text-zinc-500")}
    >
      <svg aria-hidden viewBox="0 0 20 20" className="size-5">
        <path
          d="M10 2.5l2.32 4.7 5.18.75-3.75 3.66.89 5.16L10 14.33l-4.64 2.44.89-5.16L2.5 7.95l5.18-.75L10 2.5Z"
          className={starred ? "fill-current" : "fill-none stroke-current"}
          strokeWidth={1.5}
          strokeLinejoin="round"
        />
      </svg>
    </IconButton>
  );
}
