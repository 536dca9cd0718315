"use client";
import { useEffect, useState } from "react";
import type { FieldErrors } from "react-hook-form";
import { describedBy, Field } from "@/components/ui/field";
import { Textarea } from "@/components/ui/input";
import { LIMITS } from "@/lib/evolink/contract";
import type { GenerationRequest } from "@/lib/generation/schema";

function toLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}

/** The first message about the image list: the list's own, or the first image's with its number. */
function imageUrlsError(errors: FieldErrors<GenerationRequest>): string | undefined {
  return (
    errors.imageUrls?.message ??
    (Array.isArray(errors.imageUrls)
      ? errors.imageUrls.map((e, index) => (e?.message ? `Image ${index + 1}: ${e.message}` : undefined)).find(Boolean)
      : undefined)
  );
}

/** Pasted image URLs, one per line; they follow the uploaded images in the numbering. */
export function ImageUrlsField({
  value,
  firstNumber,
  onChange,
  errors,
  focus,
}: {
  value: string[];
  firstNumber: number;
  onChange: (urls: string[]) => void;
  errors: FieldErrors<GenerationRequest>;
  /** Opened by "or paste image links": the cursor goes into it. */
  focus: boolean;
}) {
  useEffect(() => {
    if (focus) document.getElementById("imageUrls")?.focus();
  }, [focus]);
  const error = imageUrlsError(errors);
  const [text, setText] = useState(value.join("\n"));
  // Follow values set from outside (an example, a reset) without fighting the user's own blank lines.
  if (toLines(text).join("\n") !== value.join("\n")) setText(value.join("\n"));
  const hint = `Or paste public https image URLs, one per line (at most ${LIMITS.maxReferenceImages} images in all); the first line is <<<image_${firstNumber}>>>.`;
  return (
    <Field id="imageUrls" label="Reference image URLs" hint={hint} error={error}>
      <Textarea
        id="imageUrls"
        rows={2}
        spellCheck={false}
        placeholder="https://example.com/style-frame.png"
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy("imageUrls", error, hint)}
        className="resize-y font-mono text-xs leading-6"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          onChange(toLines(event.target.value));
        }}
      />
    </Field>
  );
}
