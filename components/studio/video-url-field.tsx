"use client";
import { useEffect } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { describedBy, Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

const hint = `A public https link to an MP4 or MOV. Larger videos (up to the API's 200 MB) must be given as a link.`;

/** The reference video as a pasted link, instead of a file. */
export function VideoUrlField({
  registration,
  error,
  focus,
}: {
  registration: UseFormRegisterReturn<"videoUrl">;
  error?: string;
  /** Opened by "or paste a video link": the cursor goes into it. */
  focus: boolean;
}) {
  useEffect(() => {
    if (focus) document.getElementById("videoUrl")?.focus();
  }, [focus]);
  return (
    <Field id="videoUrl" label="Reference video URL" hint={hint} error={error}>
      <Input
        id="videoUrl"
        type="url"
        inputMode="url"
        spellCheck={false}
        placeholder="https://example.com/reference.mp4"
        aria-invalid={Boolean(error)}
        aria-describedby={describedBy("videoUrl", error, hint)}
        className="font-mono text-xs"
        {...registration}
      />
    </Field>
  );
}
