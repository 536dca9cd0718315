"use client";
import type { RefObject } from "react";
import { Chip } from "@/components/ui/chip";
import { Picture, typeIn, usePromptReferences, type PromptReferenceSource } from "./prompt-references";

// Shown only once something is attached, so it is not first-load code: loaded with the prompt's other helpers.

/** One button per attached reference, with its picture, that types its token at the prompt's cursor. */
export function InsertReferences({
  textarea,
  source,
  onChange,
}: {
  textarea: RefObject<HTMLTextAreaElement | null>;
  source: PromptReferenceSource;
  onChange: (next: string) => void;
}) {
  const references = usePromptReferences(source);
  if (references.length === 0) return null;
  const insert = (token: string) => {
    const element = textarea.current;
    if (!element) return;
    element.focus();
    const before = element.value.slice(0, element.selectionStart);
    typeIn(element, `${before && !/\s$/.test(before) ? " " : ""}${token} `, onChange);
  };
  return (
    <div className="flex flex-wrap items-center gap-1.5" role="group" aria-label="Insert a reference">
      <span className="text-xs text-zinc-600 dark:text-zinc-400">Insert:</span>
      {references.map((reference) => (
        <Chip
          key={reference.token}
          // An element shows its own name; its number is said too, as the prompt's token counts it.
          aria-label={`Insert ${reference.kind === "element" ? `${reference.detail}: ` : ""}${reference.label}`}
          title={reference.token}
          onClick={() => insert(reference.token)}
        >
          <Picture reference={reference} className="size-5" />
          {reference.label}
        </Chip>
      ))}
    </div>
  );
}
