"use client";
import { Button } from "@/components/ui/button";
import { ProgressBar } from "@/components/ui/progress-bar";
import { RequestId } from "@/components/ui/request-id";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import { formatBytes } from "@/lib/media/rules";

/** Where one reference file stands: checking, rejected (with every rule it broke), uploading, done or failed. */
export function UploadStatus({
  item,
  onCancel,
  onRetry,
}: {
  item: ReferenceFile;
  onCancel: () => void;
  onRetry: () => void;
}) {
  const { state } = item;
  switch (state.status) {
    case "checking":
      return <p className="text-xs text-zinc-500">Checking the file…</p>;
    case "rejected":
      return (
        <ul
          data-testid="reference-problems"
          className="list-disc space-y-0.5 pl-4 text-xs font-medium text-red-600 dark:text-red-400"
        >
          {state.problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      );
    case "uploading": {
      const percent = state.total ? Math.min(100, Math.floor((state.loaded / state.total) * 100)) : 0;
      return (
        <div className="flex items-center gap-2">
          <div className="flex-1">
            <ProgressBar value={percent} label={`Upload of ${item.file.name}`} />
          </div>
          <span
            data-testid="upload-progress-text"
            className="w-32 text-right text-xs text-zinc-600 tabular-nums dark:text-zinc-400"
          >
            {percent < 100
              ? `${percent}% · ${formatBytes(state.loaded)} / ${formatBytes(state.total)}`
              : "Checking on server…"}
          </span>
          <Button variant="ghost" size="sm" onClick={onCancel}>
            Cancel
          </Button>
        </div>
      );
    }
    case "uploaded":
      return (
        <p data-testid="upload-done" className="text-xs font-medium text-emerald-700 dark:text-emerald-400">
          Uploaded
          {state.expiresAt
            ? ` · link expires ${new Date(state.expiresAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}`
            : ""}
        </p>
      );
    case "failed":
    case "cancelled":
      return (
        <div className="flex items-center justify-between gap-2">
          <p data-testid="upload-failed" className="text-xs font-medium text-red-600 dark:text-red-400">
            {state.status === "cancelled" ? "Upload cancelled." : `${state.message} ${state.action}`}
            {state.status === "failed" && <RequestId id={state.requestId} />}
          </p>
          <Button variant="secondary" size="sm" onClick={onRetry}>
            Retry
          </Button>
        </div>
      );
  }
}
