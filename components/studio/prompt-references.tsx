"use client";
import { useEffect, useState, type RefObject } from "react";
import { cn } from "@/components/ui/cn";
import { useElements } from "@/lib/client/elements";
import type { ReferenceFile } from "@/lib/client/use-reference-media";
import { elementToken, imageToken, videoToken } from "@/lib/evolink/contract";
import type { ReferenceKind } from "@/lib/generation/token-chips";
import { ReferenceThumb } from "./reference-chip";

// The prompt's references by picture (loaded with prompt-assist.tsx, after the first paint): what is attached, each
// one's picture, and the picker that "@" opens.

/** What the form has attached, as the prompt field passes it on. */
export interface PromptReferenceSource {
  video: ReferenceFile | null;
  videoUrl: string;
  images: ReferenceFile[];
  pastedImageUrls: string[];
  elementIds: string[];
}

export interface PromptReference {
  token: string;
  kind: ReferenceKind;
  label: string;
  /** The file's or element's own name. */
  detail: string;
  picture: { src: string; video: boolean } | null;
}

/** Every reference a token can name now, in token order: the video, each image, each element. */
export function usePromptReferences(source: PromptReferenceSource): PromptReference[] {
  const library = useElements();
  const list: PromptReference[] = [];
  const { video, videoUrl, images, pastedImageUrls, elementIds } = source;
  if (video || videoUrl)
    list.push({
      token: videoToken(),
      kind: "video",
      label: "Video",
      detail: video?.file.name ?? videoUrl,
      picture: video ? { src: video.previewUrl, video: true } : null,
    });
  images.forEach((image, index) =>
    list.push({
      token: imageToken(index + 1),
      kind: "image",
      label: `Image ${index + 1}`,
      detail: image.file.name,
      picture: { src: image.previewUrl, video: false },
    }),
  );
  pastedImageUrls.forEach((url, index) =>
    list.push({
      token: imageToken(images.length + index + 1),
      kind: "image",
      label: `Image ${images.length + index + 1}`,
      detail: url,
      picture: null,
    }),
  );
  elementIds.forEach((id, index) => {
    const element = library.data?.find((entry) => entry.id === id);
    list.push({
      token: elementToken(index + 1),
      kind: "element",
      label: element?.name ?? `Element ${index + 1}`,
      detail: `Element ${index + 1}`,
      picture: element?.thumbnail ? { src: element.thumbnail, video: false } : null,
    });
  });
  return list;
}

/** A reference's picture; a chosen video shows its own first frame (its object URL, never fetched from afar). */
export function Picture({ reference, className }: { reference: PromptReference; className: string }) {
  if (reference.picture?.video)
    return (
      <video
        src={`${reference.picture.src}#t=0.1`}
        muted
        preload="metadata"
        aria-hidden
        className={cn("shrink-0 rounded-sm bg-zinc-900 object-cover", className)}
      />
    );
  return <ReferenceThumb src={reference.picture?.src ?? null} kind={reference.kind} className={className} />;
}

/** Replaces the textarea's selection as typing would (so Undo takes it back); `fallback` where that is refused. */
export function typeIn(element: HTMLTextAreaElement, text: string, fallback: (next: string) => void) {
  const { selectionStart: start, selectionEnd: end, value } = element;
  if (!document.execCommand("insertText", false, text)) fallback(value.slice(0, start) + text + value.slice(end));
}

/** The keys the picker takes from the textarea while it is open (the textarea keeps the focus). */
export type PickerKeys = (event: KeyboardEvent) => void;

/**
 * The list "@" opens under the prompt: the attached references with their pictures, narrowed by what follows the
 * "@"; chosen with a click, or with ↑ ↓ and Enter (or Tab); Escape closes it.
 */
export function ReferencePicker({
  id,
  query,
  references: all,
  keysRef,
  onActive,
  onChoose,
  onClose,
}: {
  id: string;
  query: string;
  references: PromptReference[];
  keysRef: RefObject<PickerKeys | null>;
  /** The option the keys are on, for the textarea's aria-activedescendant. */
  onActive: (optionId: string | null) => void;
  onChoose: (token: string) => void;
  onClose: () => void;
}) {
  const wanted = query.toLowerCase();
  const options = all.filter((reference) =>
    [reference.label, reference.kind, reference.token, reference.detail].some((text) =>
      text.toLowerCase().includes(wanted),
    ),
  );
  const [chosen, setActive] = useState(0);
  const active = Math.min(chosen, Math.max(0, options.length - 1));
  const optionId = (index: number) => `${id}-option-${index}`;

  useEffect(() => {
    onActive(options.length > 0 ? optionId(active) : null);
  });
  useEffect(() => () => onActive(null), [onActive]);
  useEffect(() => {
    keysRef.current = (event) => {
      if (event.key === "Escape") onClose();
      else if (event.key === "ArrowDown") setActive((active + 1) % Math.max(1, options.length));
      else if (event.key === "ArrowUp") setActive((active - 1 + options.length) % Math.max(1, options.length));
      else if ((event.key === "Enter" || event.key === "Tab") && options[active]) onChoose(options[active].token);
      else return;
      event.preventDefault();
    };
    return () => {
      keysRef.current = null;
    };
  });

  return (
    <div
      data-testid="reference-picker"
      className="absolute top-full left-0 z-20 mt-1 w-72 max-w-full rounded-lg border border-zinc-200 bg-white p-1 shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
    >
      {options.length === 0 ? (
        <p className="px-2 py-1.5 text-sm text-zinc-600 dark:text-zinc-300">
          {all.length === 0
            ? "Attach a video, images or elements first: then @ lists them here."
            : `Nothing attached matches “${query}”.`}
        </p>
      ) : (
        <ul role="listbox" id={id} aria-label="Attached references">
          {options.map((reference, index) => (
            <li
              key={reference.token}
              id={optionId(index)}
              role="option"
              aria-selected={index === active}
              // The textarea keeps the focus: a click must not blur it before the choice lands.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => onChoose(reference.token)}
              onMouseEnter={() => setActive(index)}
              className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md px-2 py-1 text-sm text-zinc-800 aria-selected:bg-violet-100 dark:text-zinc-100 dark:aria-selected:bg-violet-900/60"
            >
              <Picture reference={reference} className="size-9" />
              <span className="min-w-0 flex-1">
                <span className="block font-medium">{reference.label}</span>
                <span className="block truncate text-xs text-zinc-600 dark:text-zinc-400">{reference.detail}</span>
              </span>
              <span className="font-mono text-[0.7rem] text-zinc-600 dark:text-zinc-300">{reference.token}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
