"use client";
import { useEffect, useId, useRef, type ReactNode } from "react";

/**
 * A modal on the native <dialog>: showModal() gives the focus trap, the inert page behind it and Escape for free.
 * Closing it any way (Escape, a button, the backdrop) calls `onClose`; the caller owns `open`.
 */
export function Dialog({
  open,
  title,
  onClose,
  children,
  wide = false,
  testId,
}: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The whole window (the compare view) rather than a small confirmation box. */
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === ref.current) onClose();
      }}
      className={`${wide ? "h-dvh max-h-none w-screen max-w-none p-3 sm:p-5" : "w-[min(28rem,calc(100vw-2rem))] rounded-2xl p-5"} m-auto bg-white text-zinc-900 shadow-xl backdrop:bg-zinc-950/60 dark:bg-zinc-900 dark:text-zinc-100`}
    >
      <h2 id={titleId} className="mb-3 text-base font-semibold">
        {title}
      </h2>
      {children}
    </dialog>
  );
}
