"use client";
import { useRef, useState, type DragEvent, type ReactNode, type RefObject } from "react";
import { cn } from "./cn";

/**
 * A labelled drop zone: drag files onto it, click it, or focus it and press Enter/Space. Types are
 * checked by content after choosing, so `accept` only guides the file picker. Written on the platform's
 * drag events rather than react-dropzone: that library is ~17 kB gzip of the first load for the three
 * gestures used here, and the first-load budget has no room for it.
 */
export function DropZone({
  id,
  label,
  accept,
  multiple,
  disabled,
  error,
  onFiles,
  children,
}: {
  id: string;
  label: string;
  accept: string;
  multiple: boolean;
  disabled?: boolean;
  /** What must change, shown on the zone itself (e.g. a missing video), since that is where it is fixed. */
  error?: string;
  onFiles: (files: File[]) => void;
  children: ReactNode;
}) {
  const input = useRef<HTMLInputElement>(null);
  const zone = useRef<HTMLDivElement>(null);
  // Enter and leave fire for every child crossed; counting them tells when the pointer really left.
  const depth = useRef(0);
  const [dragActive, setDragActive] = useState(false);
  const take = (list: FileList | null) => takeFiles(list, { id, multiple, onFiles, zone });
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes("Files");
  const open = () => {
    if (!disabled) input.current?.click();
  };

  return (
    <div className="flex flex-col gap-1.5">
      <label id={`${id}-label`} htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <div
        ref={zone}
        role="button"
        tabIndex={disabled ? -1 : 0}
        // Named by its label and its visible instructions, so what a person reads is what a screen reader says.
        aria-labelledby={`${id}-label ${id}-instructions`}
        aria-describedby={error && `${id}-error`}
        aria-disabled={disabled}
        className={cn(
          "flex cursor-pointer flex-col items-center justify-center gap-1 rounded-lg border-2 border-dashed px-4 py-5 text-center text-sm transition focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500",
          dragActive
            ? "border-violet-500 bg-violet-50 dark:bg-violet-950/40"
            : error
              ? "border-red-500 dark:border-red-400"
              : "border-zinc-300 hover:border-violet-400 hover:bg-zinc-50 dark:border-zinc-700 dark:hover:bg-zinc-800/50",
          disabled && "pointer-events-none opacity-50",
        )}
        onClick={open}
        onKeyDown={(event) => {
          if (event.key !== "Enter" && event.key !== " ") return;
          event.preventDefault();
          open();
        }}
        onDragEnter={(event) => {
          if (disabled || !hasFiles(event)) return;
          event.preventDefault();
          depth.current += 1;
          setDragActive(true);
        }}
        onDragOver={(event) => {
          if (disabled || !hasFiles(event)) return;
          event.preventDefault();
          event.dataTransfer.dropEffect = "copy";
        }}
        onDragLeave={() => {
          depth.current = Math.max(0, depth.current - 1);
          if (depth.current === 0) setDragActive(false);
        }}
        onDrop={(event) => {
          event.preventDefault();
          depth.current = 0;
          setDragActive(false);
          if (!disabled) take(event.dataTransfer.files);
        }}
      >
        <input
          ref={input}
          id={id}
          type="file"
          accept={accept}
          multiple={multiple}
          disabled={disabled}
          tabIndex={-1}
          className="hidden"
          data-testid={`${id}-input`}
          // The click that opened the picker must not bubble back to the zone and open it again.
          onClick={(event) => event.stopPropagation()}
          onChange={(event) => {
            take(event.currentTarget.files);
            // Choosing the same file again after removing it must fire a change again.
            event.currentTarget.value = "";
          }}
        />
        <span id={`${id}-instructions`} className="contents">
          {children}
        </span>
      </div>
      {error && (
        <p
          id={`${id}-error`}
          data-testid={`${id}-error`}
          className="text-xs font-medium text-red-600 dark:text-red-400"
        >
          {error}
        </p>
      )}
    </div>
  );
}

/** Hands the chosen files on; when the zone held focus, focus follows to the attachment if the zone goes. */
function takeFiles(
  list: FileList | null,
  { id, multiple, onFiles, zone }: { id: string; multiple: boolean; onFiles: (files: File[]) => void; zone: Zone },
) {
  const files = Array.from(list ?? []);
  const chosen = multiple ? files : files.slice(0, 1);
  if (!chosen.length) return;
  const hadFocus = zone.current?.contains(document.activeElement) ?? false;
  onFiles(chosen);
  // Loaded at the first file, not with the page.
  if (hadFocus) void import("./follow-focus").then((module) => module.followFocus(id, zone));
}

export type Zone = RefObject<HTMLDivElement | null>;
