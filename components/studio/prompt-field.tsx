"use client";
import { Suspense, useRef } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { describedBy, Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { LIMITS } from "@/lib/evolink/contract";
import { lazyPart } from "@/lib/client/lazy-part";
import type { PromptReferenceSource } from "./prompt-references";

// The chips over the tokens (broken ones marked), the "@" picker and pasted "@Image1" are not needed for the first
// paint, when the prompt is empty: fetched when the browser is idle (they attach to the textarea themselves).
const PromptAssist = lazyPart(() => import("./prompt-assist").then((module) => module.PromptAssist));
const InsertReferences = lazyPart(() => import("./prompt-assist").then((module) => module.InsertReferences));

/**
 * The prompt with its character counter; its tokens are drawn as chips over the text by the assist part (broken ones
 * in red), and each attached reference has a button that inserts its token at the cursor.
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
  const hint = "Describe the new clip. Type @ (or use the buttons under it) to refer to what you attached.";
  const { ref, ...field } = registration;

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
      <Suspense fallback={null}>
        <InsertReferences textarea={textarea} source={source} onChange={onChange} />
      </Suspense>
    </Field>
  );
}
