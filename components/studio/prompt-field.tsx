"use client";
import { Suspense, useRef, type Ref } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Chip } from "@/components/ui/chip";
import { cn } from "@/components/ui/cn";
import { describedBy, Field } from "@/components/ui/field";
import { controlVariants, Textarea } from "@/components/ui/input";
import { LIMITS } from "@/lib/evolink/contract";
import { promptSegments, type PromptSegment } from "@/lib/generation/reference-tokens";
import { elementToken, imageToken, videoToken } from "@/lib/evolink/contract";
import { lazyPart } from "@/lib/client/lazy-part";
import type { PromptReferenceSource } from "./prompt-references";

// The chips over the tokens, the "@" picker and pasted "@Image1" are not needed for the first paint: fetched when
// the browser is idle (they attach to the textarea themselves).
const PromptAssist = lazyPart(() => import("./prompt-assist").then((module) => module.PromptAssist));

/**
 * The prompt with its character counter, buttons that insert reference tokens at the cursor, and the
 * tokens highlighted in place (a backdrop under a transparent textarea); broken tokens show in red.
 */
export function PromptField({
  registration,
  value,
  length,
  error,
  imageCount,
  elementCount,
  hasVideo,
  source,
  onChange,
}: {
  registration: UseFormRegisterReturn<"prompt">;
  value: string;
  length: number;
  error?: string;
  imageCount: number;
  elementCount: number;
  hasVideo: boolean;
  /** What is attached, for the chips' pictures and the picker. */
  source: PromptReferenceSource;
  onChange: (next: string) => void;
}) {
  const textarea = useRef<HTMLTextAreaElement | null>(null);
  const backdrop = useRef<HTMLDivElement>(null);
  const over = length > LIMITS.promptMaxChars;
  const hint = "Describe the new clip. Type @ (or use the buttons) to refer to your references.";
  const { ref, ...field } = registration;
  const segments = promptSegments(value, imageCount, hasVideo, elementCount);

  const insert = (token: string) => {
    const element = textarea.current;
    const start = element?.selectionStart ?? value.length;
    const end = element?.selectionEnd ?? value.length;
    const before = value.slice(0, start);
    const padded = `${before && !/\s$/.test(before) ? " " : ""}${token} `;
    onChange(before + padded + value.slice(end));
    requestAnimationFrame(() => {
      element?.focus();
      element?.setSelectionRange(start + padded.length, start + padded.length);
    });
  };

  return (
    <Field
      id="prompt"
      label="Prompt"
      hint={hint}
      error={error}
      aside={
        <span
          data-testid="prompt-counter"
          className={`text-xs tabular-nums ${over ? "font-semibold text-red-600 dark:text-red-400" : "text-zinc-500 dark:text-zinc-400"}`}
        >
          {length} / {LIMITS.promptMaxChars}
        </span>
      }
    >
      <div className="relative">
        <Highlights segments={segments} layerRef={backdrop} />
        <Textarea
          id="prompt"
          surface="none"
          rows={5}
          placeholder="<<<video_1>>> a paper boat drifting down a rain-soaked neon street, cinematic, shallow depth of field"
          aria-invalid={Boolean(error) || over}
          aria-describedby={describedBy("prompt", error, hint)}
          className="relative block resize-y leading-relaxed text-zinc-900 dark:text-zinc-100"
          onScroll={(event) => {
            if (backdrop.current) backdrop.current.scrollTop = event.currentTarget.scrollTop;
          }}
          ref={(element) => {
            ref(element);
            textarea.current = element;
          }}
          {...field}
        />
        <Suspense fallback={null}>
          <PromptAssist
            textarea={textarea}
            prompt={value}
            counts={{ imageCount, elementCount, hasVideo }}
            source={source}
            onChange={onChange}
          />
        </Suspense>
      </div>
      <TokenButtons imageCount={imageCount} elementCount={elementCount} hasVideo={hasVideo} onInsert={insert} />
    </Field>
  );
}

/** The backdrop under the transparent textarea: the same text, each token highlighted, broken ones in red. */
function Highlights({ segments, layerRef }: { segments: PromptSegment[]; layerRef: Ref<HTMLDivElement> }) {
  return (
    <div
      ref={layerRef}
      aria-hidden
      data-testid="prompt-highlights"
      className={cn(
        controlVariants(),
        "pointer-events-none absolute inset-0 overflow-hidden leading-relaxed break-words whitespace-pre-wrap text-transparent",
      )}
    >
      {segments.map((segment, index) =>
        segment.token ? (
          <mark
            key={index}
            data-problem={segment.broken ? "true" : undefined}
            className={`rounded text-transparent ${segment.broken ? "bg-red-200 dark:bg-red-900/70" : "bg-violet-200 dark:bg-violet-800/70"}`}
          >
            {segment.text}
          </mark>
        ) : (
          <span key={index}>{segment.text}</span>
        ),
      )}
      {"\n"}
    </div>
  );
}

/** One button per token that points at something attached: the video, each image, each element. */
function TokenButtons({
  imageCount,
  elementCount,
  hasVideo,
  onInsert,
}: {
  imageCount: number;
  elementCount: number;
  hasVideo: boolean;
  onInsert: (token: string) => void;
}) {
  const tokens = [
    ...Array.from({ length: imageCount }, (_, index) => imageToken(index + 1)),
    ...Array.from({ length: elementCount }, (_, index) => elementToken(index + 1)),
  ];
  return (
    <div className="flex flex-wrap items-center gap-1.5" aria-label="Insert a reference token">
      <span className="text-xs text-zinc-500 dark:text-zinc-400">Insert:</span>
      <Chip disabled={!hasVideo} onClick={() => onInsert(videoToken())}>
        {videoToken()}
      </Chip>
      {tokens.map((token) => (
        <Chip key={token} onClick={() => onInsert(token)}>
          {token}
        </Chip>
      ))}
    </div>
  );
}
