"use client";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { useDeleteElement, useRenameElement } from "@/lib/client/elements";
import { StudioApiError } from "@/lib/client/api";
import type { ElementView } from "@/lib/elements/view";
import type { TaskPhase } from "@/lib/evolink/contract";
import { ErrorDetails } from "./error-details";
import { StatusBadge } from "./status-badge";
import { TaskProgress } from "./task-progress";

const STATUS: Record<ElementView["status"], { label: string; phase: (element: ElementView) => TaskPhase }> = {
  creating: { label: "Creating", phase: (element) => (element.progress > 0 ? "generating" : "queued") },
  ready: { label: "Ready", phase: () => "completed" },
  failed: { label: "Failed", phase: () => "failed" },
};

/** One element: thumbnail, name, description, date and status, with Use, Rename and Delete. */
export function ElementItem({
  element,
  onUse,
  reconnecting,
}: {
  element: ElementView;
  onUse: (element: ElementView) => string | null;
  /** The last read of the library failed and another follows. */
  reconnecting: boolean;
}) {
  const [used, setUsed] = useState<string | null>(null);
  const phase = STATUS[element.status].phase(element);
  return (
    <li
      data-testid="element-item"
      data-element-id={element.id}
      className="flex flex-col gap-2 rounded-xl border border-zinc-200 bg-white p-3 dark:border-zinc-800 dark:bg-zinc-900"
    >
      <div className="flex gap-3">
        {element.thumbnail ? (
          // eslint-disable-next-line @next/next/no-img-element -- a small data: URL made in the browser at creation
          <img
            src={element.thumbnail}
            alt={`Frontal view of ${element.name}`}
            className="size-14 shrink-0 rounded-lg object-cover"
          />
        ) : (
          <div
            aria-hidden
            className="size-14 shrink-0 rounded-lg bg-gradient-to-br from-violet-100 to-zinc-100 dark:from-violet-950 dark:to-zinc-800"
          />
        )}
        <div className="min-w-0 flex-1">
          <div className="flex items-start justify-between gap-2">
            <p data-testid="element-name" className="truncate text-sm font-semibold text-zinc-900 dark:text-white">
              {element.name}
            </p>
            <StatusBadge phase={phase} label={STATUS[element.status].label} testId="element-status" />
          </div>
          <p className="line-clamp-2 text-xs text-zinc-600 dark:text-zinc-400">{element.description}</p>
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            <time dateTime={new Date(element.createdAt).toISOString()}>
              {new Date(element.createdAt).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" })}
            </time>
          </p>
        </div>
      </div>
      {element.status === "creating" && (
        <TaskProgress
          task={{ ...element, phase }}
          label={`Creation of element ${element.name}`}
          reconnecting={reconnecting}
          waitingForCapacity={false}
        />
      )}
      {element.status === "failed" && element.error && (
        <Alert tone="error" testId="element-error" title={element.error.message}>
          <ErrorDetails error={element.error} />
        </Alert>
      )}
      {used && (
        <p data-testid="element-use-note" className="text-xs text-zinc-600 dark:text-zinc-300">
          {used}
        </p>
      )}
      <ElementActions element={element} onUse={() => setUsed(onUse(element))} />
    </li>
  );
}

type Mode = "idle" | "renaming" | "deleting";

function ElementActions({ element, onUse }: { element: ElementView; onUse: () => void }) {
  const [mode, setMode] = useState<Mode>("idle");
  const [name, setName] = useState(element.name);
  const rename = useRenameElement(element.id);
  const remove = useDeleteElement(element.id);
  const failure = [rename.error, remove.error].find((error) => error instanceof StudioApiError) as
    StudioApiError | undefined;
  const problem = failure && (failure.body.fields?.name ?? failure.body.message);
  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      {problem && <span className="text-xs text-red-600 dark:text-red-400">{problem}</span>}
      {mode === "renaming" && (
        <form
          className="flex flex-1 items-center gap-2"
          onSubmit={(event) => {
            event.preventDefault();
            rename.mutate(name, { onSuccess: () => setMode("idle") });
          }}
        >
          <Input
            aria-label={`New name for ${element.name}`}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <Button type="submit" size="sm" disabled={rename.isPending}>
            Save
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setMode("idle")}>
            Cancel
          </Button>
        </form>
      )}
      {mode === "deleting" && (
        <>
          <span className="text-xs text-zinc-600 dark:text-zinc-300">
            Delete “{element.name}”? It only leaves this studio&apos;s library: Evolink keeps the element, and past
            generations keep their videos.
          </span>
          <Button variant="secondary" size="sm" onClick={() => setMode("idle")}>
            Keep
          </Button>
          <Button variant="destructive" size="sm" disabled={remove.isPending} onClick={() => remove.mutate()}>
            Delete from library
          </Button>
        </>
      )}
      {mode === "idle" && (
        <>
          <Button size="sm" disabled={element.status !== "ready"} onClick={onUse}>
            Use
          </Button>
          <Button variant="ghost" size="sm" onClick={() => setMode("renaming")}>
            Rename
          </Button>
          <Button variant="destructive-ghost" size="sm" onClick={() => setMode("deleting")}>
            Delete
          </Button>
        </>
      )}
    </div>
  );
}
