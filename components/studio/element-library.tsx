"use client";
import { Alert } from "@/components/ui/alert";
import { useElements } from "@/lib/client/elements";
import { StudioApiError } from "@/lib/client/api";
import type { ElementView } from "@/lib/elements/view";
import { ElementItem } from "./element-item";

/** Every element of this studio's library, newest first. */
export function ElementLibrary({ onUse }: { onUse: (element: ElementView) => string | null }) {
  const library = useElements();
  const failure = library.error instanceof StudioApiError ? library.error.body : null;
  if (library.isPending) return <p className="text-sm text-zinc-600 dark:text-zinc-300">Loading your elements…</p>;
  return (
    <>
      {failure && (
        <Alert tone="warning" title={failure.message}>
          {failure.action}
        </Alert>
      )}
      {library.data?.length ? (
        <ul aria-label="Element library" className="flex flex-col gap-2">
          {library.data.map((element) => (
            <ElementItem
              key={element.id}
              element={element}
              onUse={onUse}
              reconnecting={library.failureCount > 0 && Boolean(failure?.retryable)}
            />
          ))}
        </ul>
      ) : (
        <p data-testid="elements-empty" className="text-sm text-zinc-500 dark:text-zinc-400">
          No elements yet. Make one from a few photos of a character or an object.
        </p>
      )}
    </>
  );
}
