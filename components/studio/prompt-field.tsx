"use client";
import type { UseFormRegisterReturn } from "react-hook-form";
import { controlClass, describedBy, Field } from "@/components/ui/field";
import { LIMITS } from "@/lib/generation-schema";

export function PromptField({ registration, length, error }: { registration: UseFormRegisterReturn<"prompt">; length: number; error?: string }) {
  const over = length > LIMITS.promptMaxChars;
  const hint = (
    <>
      Describe the new clip. Refer to inputs with <code className="font-mono">{"<<<video_1>>>"}</code> and{" "}
      <code className="font-mono">{"<<<image_1>>>"}</code>…
    </>
  );
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
      <textarea
        id="prompt"
        rows={5}
        placeholder="<<<video_1>>> a paper boat drifting down a rain-soaked neon street, cinematic, shallow depth of field"
        aria-invalid={Boolean(error) || over}
        aria-describedby={describedBy("prompt", error, hint)}
        className={`${controlClass} resize-y leading-relaxed`}
        {...registration}
      />
    </Field>
  );
}
