"use client";
import { useDropzone } from "react-dropzone";
import type { ReactNode } from "react";
import { cn } from "./cn";

/**
 * A labelled drop zone: drag files onto it, click it, or focus it and press Enter/Space. Types are
 * checked by content after choosing, so `accept` only guides the file picker.
 */
export function DropZone({
  id,
  label,
  accept,
  multiple,
  disabled,
  onFiles,
  children,
}: {
  id: string;
  label: string;
  accept: string;
  multiple: boolean;
  disabled?: boolean;
  onFiles: (files: File[]) => void;
  children: ReactNode;
}) {
  const { getRootProps, getInputProps, isDragActive } = useDropzone({
    onDrop: (files) => files.length && onFiles(files),
    multiple,
    disabled,
  });
  return (
    <div className="flex flex-col gap-1.5">
      <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <div
        {...getRootProps({
          "aria-label": `${label}: drop files or press Enter to choose`,
          "aria-disabled": disabled,
          className: cn(
            "flex cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed px-4 py-5 text-center text-sm transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500",
            isDragActive
              ? "border-violet-500 bg-violet-50 dark:bg-violet-950/40"
              : "border-zinc-300 hover:border-violet-400 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800/50",
            disabled && "pointer-events-none opacity-50",
          ),
        })}
      >
        <input {...getInputProps({ id, accept })} data-testid={`${id}-input`} />
        {children}
      </div>
    </div>
  );
}
