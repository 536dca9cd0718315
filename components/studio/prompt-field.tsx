"use client";
import { Suspense, useRef } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Chip } from "@/components/ui/chip";
import { describedBy, Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { LIMITS } from "@/lib/evolink/contract";
import { elementToken, imageToken, videoToken } from "@/lib/evolink/contract";
import { lazyPart } from "@/lib/client/lazy-part";
import type { PromptReferenceSource } from "./prompt-references";

// The chips over the tokens (broken ones marked), the "@" picker and pasted "@Image1" are not needed for the first
// paint, when the prompt is empty: fetched when the browser is idle (they attach to the textarea themselves).
const PromptAssist = lazyPart(() => import("./prompt-assist").then((module) => module.PromptAssist));

/**
 * The prompt with its character counter and buttons that insert reference tokens at the cursor; its tokens are
 * drawn as chips over the text by the assist part (broken ones in red).
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
  const over = length > LIMITS.promptMaxChars;
  const hint = "Describe the new clip. Type @ (or use the buttons) to refer to your references.";
  const { ref, ...field } = registration;

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
        <Textarea
          id="prompt"
          rows={5}
          placeholder="<<<video_1>>> a paper boat drifting down a rain-soaked neon street, cinematic, shallow depth of field"
          aria-invalid={Boolean(error) || over}
          aria-describedby={describedBy("prompt", error, hint)}
          className="relative block resize-y leading-relaxed text-zinc-900 dark:text-zinc-100"
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
