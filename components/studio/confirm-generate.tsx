"use client";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { formatCredits } from "@/lib/generation/pricing";

/** Asked once before a Generate whose total is above CONFIRM_ABOVE_CREDITS; dismissing it sends nothing. */
export function ConfirmGenerate({
  open,
  variants,
  total,
  threshold,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  variants: number;
  total: number;
  threshold: number;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Dialog open={open} title="Generate for this many credits?" onClose={onCancel} testId="confirm-generate">
      <p className="text-sm text-zinc-600 dark:text-zinc-300">
        {variants === 1 ? "This take" : `These ${variants} takes`} cost an estimated{" "}
        <strong className="text-zinc-900 dark:text-white">{formatCredits(total)} credits</strong>, above the{" "}
        {formatCredits(threshold)} credits this studio asks about. Each take is its own paid task.
      </p>
      <div className="mt-4 flex justify-end gap-2">
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button onClick={onConfirm}>Generate {formatCredits(total)} credits</Button>
      </div>
    </Dialog>
  );
}
