"use client";
import { IconButton } from "@/components/ui/icon-button";
import { useElements } from "@/lib/client/elements";
import { detachElement, type ElementTarget } from "@/lib/client/form-elements";
import { elementToken } from "@/lib/evolink/contract";

/** The elements attached to the generation, as `<<<element_N>>>` chips beside the images, each removable. */
export function AttachedElements({
  elementIds,
  error,
  target,
}: {
  elementIds: string[];
  error?: string;
  target: Omit<ElementTarget, "imageCount">;
}) {
  const library = useElements();
  const nameOf = (id: string) => library.data?.find((element) => element.id === id)?.name;
  return (
    <div className="flex flex-col gap-1.5">
      <p className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Elements</p>
      <ul aria-label="Attached elements" className="flex flex-wrap gap-2">
        {elementIds.map((id, index) => (
          <li
            key={id}
            data-testid="attached-element"
            className="flex items-center gap-1 rounded-md border border-violet-200 bg-violet-50 py-0.5 pr-0.5 pl-2 text-xs dark:border-violet-900 dark:bg-violet-950/60"
          >
            <span className="font-mono text-violet-800 dark:text-violet-200">{elementToken(index + 1)}</span>
            <span className="text-zinc-700 dark:text-zinc-300">
              {nameOf(id) ?? (library.isPending ? "…" : "not in the library any more")}
            </span>
            <IconButton
              aria-label={`Remove element ${index + 1}`}
              className="size-6"
              onClick={() => detachElement(target, index)}
            >
              ✕
            </IconButton>
          </li>
        ))}
      </ul>
      {error && (
        <p data-testid="elementIds-error" className="text-xs font-medium text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </div>
  );
}
