"use client";
import { Fragment, useEffect, useRef, useState, type Ref, type RefObject } from "react";
import { cn } from "@/components/ui/cn";
import { controlVariants } from "@/components/ui/input";
import { promptSegments } from "@/lib/generation/reference-tokens";
import { convertForeignTokens, tokenReference } from "@/lib/generation/token-chips";
import { ReferenceChip } from "./reference-chip";
import {
  Picture,
  ReferencePicker,
  typeIn,
  usePromptReferences,
  type PickerKeys,
  type PromptReference,
  type PromptReferenceSource,
} from "./prompt-references";

// The prompt's references by picture, loaded after the first paint: the chips drawn over its tokens, the picker
// that "@" opens, and pasted "@Image1"-style text converted. They listen to the textarea themselves, so the prompt
// field's first-load code only mounts them.

/**
 * Drawn over the textarea, in its exact type and box: everything transparent except each token, which an opaque
 * chip (picture and name) covers, so the prompt reads "Image 2" with its picture while the text stays plain
 * text to type, select and copy.
 */
function PromptChipLayer({
  prompt,
  counts,
  references,
  layerRef,
}: {
  prompt: string;
  counts: PromptCounts;
  references: PromptReference[];
  layerRef: Ref<HTMLDivElement>;
}) {
  const { imageCount, hasVideo, elementCount } = counts;
  return (
    <div
      ref={layerRef}
      aria-hidden
      data-testid="prompt-chips"
      className={cn(
        controlVariants({ surface: "none" }),
        "pointer-events-none absolute inset-0 overflow-hidden border-transparent leading-relaxed break-words whitespace-pre-wrap text-transparent shadow-none",
      )}
    >
      {promptSegments(prompt, imageCount, hasVideo, elementCount).map((segment, index) => {
        if (!segment.token) return <Fragment key={index}>{segment.text}</Fragment>;
        const named = tokenReference(segment.text);
        const problem = segment.broken ? "true" : undefined;
        // Not a token this studio knows: its own text shows through a red mark.
        if (!named)
          return (
            <mark key={index} data-token data-problem={problem} className="rounded bg-red-500/25 text-transparent">
              {segment.text}
            </mark>
          );
        const reference = references.find((entry) => entry.token === segment.text);
        return (
          <span key={index} data-token data-problem={problem} className="relative">
            {segment.text}
            <span className="absolute inset-0 flex items-center overflow-hidden rounded bg-white dark:bg-zinc-950">
              <ReferenceChip
                kind={named.kind}
                label={reference?.kind === "element" ? reference.label : named.label}
                thumbnail={null}
                broken={segment.broken}
                picture={reference && <Picture reference={reference} className="size-[1.1em]" />}
                className="h-full w-full justify-center overflow-hidden text-[0.95em]"
              />
            </span>
          </span>
        );
      })}
      {"\n"}
    </div>
  );
}

// Loaded with the rest of this part: one loader entry in the page's first load, not two.
export { InsertReferences } from "./insert-references";

type PromptCounts = { imageCount: number; elementCount: number; hasVideo: boolean };
type Mention = { start: number; query: string };
const PICKER_ID = "prompt-references";

/** An "@" just typed at the start of a word, and what follows it up to the cursor. */
function mentionAt(element: HTMLTextAreaElement): Mention | null {
  if (element.selectionStart !== element.selectionEnd) return null;
  const match = /(?:^|\s)@(\w*)$/.exec(element.value.slice(0, element.selectionStart));
  return match ? { start: element.selectionStart - (match[1] ?? "").length - 1, query: match[1] ?? "" } : null;
}

/** The textarea's events this part takes: typing and moving the caret (the picker), keys, paste, scroll. */
function useTextareaEvents(
  textarea: RefObject<HTMLTextAreaElement | null>,
  layer: RefObject<HTMLDivElement | null>,
  keys: RefObject<PickerKeys | null>,
  setMention: (mention: Mention | null) => void,
  onChange: (next: string) => void,
) {
  useEffect(() => {
    const element = textarea.current;
    if (!element) return;
    const follow = () => setMention(mentionAt(element));
    const listeners = {
      input: follow,
      click: follow,
      blur: () => setMention(null),
      keydown: (event: Event) => keys.current?.(event as KeyboardEvent),
      scroll: () => layer.current && (layer.current.scrollTop = element.scrollTop),
      // Text from other tools names references "@Image1": pasted, it becomes this studio's tokens.
      paste: (event: Event) => {
        const text = (event as ClipboardEvent).clipboardData?.getData("text/plain") ?? "";
        const converted = convertForeignTokens(text);
        if (converted === text) return;
        event.preventDefault();
        typeIn(element, converted, onChange);
      },
    };
    for (const [type, listener] of Object.entries(listeners)) element.addEventListener(type, listener);
    return () => {
      for (const [type, listener] of Object.entries(listeners)) element.removeEventListener(type, listener);
    };
  }, [textarea, layer, keys, setMention, onChange]);
}

/**
 * Mounted by the prompt field beside its textarea: the chips over its tokens (when it has any) and, after an "@",
 * the picker, whose choice is typed in place of the "@…".
 */
export function PromptAssist({
  textarea,
  prompt,
  counts,
  source,
  onChange,
}: {
  textarea: RefObject<HTMLTextAreaElement | null>;
  prompt: string;
  counts: PromptCounts;
  source: PromptReferenceSource;
  onChange: (next: string) => void;
}) {
  const references = usePromptReferences(source);
  const layer = useRef<HTMLDivElement>(null);
  const keys = useRef<PickerKeys | null>(null);
  const [mention, setMention] = useState<Mention | null>(null);
  const [activeOption, setActiveOption] = useState<string | null>(null);
  useTextareaEvents(textarea, layer, keys, setMention, onChange);
  useEffect(() => {
    const element = textarea.current;
    const attributes = { "aria-controls": mention && PICKER_ID, "aria-activedescendant": mention && activeOption };
    for (const [name, value] of Object.entries(attributes))
      if (value) element?.setAttribute(name, value);
      else element?.removeAttribute(name);
    if (layer.current && element) layer.current.scrollTop = element.scrollTop;
  });
  const choose = (token: string) => {
    const element = textarea.current;
    if (!element || !mention) return;
    element.setSelectionRange(mention.start, element.selectionStart);
    typeIn(element, `${token} `, onChange);
    setMention(null);
  };
  return (
    <>
      {prompt.includes("<<<") && (
        <PromptChipLayer prompt={prompt} counts={counts} references={references} layerRef={layer} />
      )}
      {mention && (
        <ReferencePicker
          id={PICKER_ID}
          query={mention.query}
          references={references}
          keysRef={keys}
          onActive={setActiveOption}
          onChoose={choose}
          onClose={() => setMention(null)}
        />
      )}
    </>
  );
}
