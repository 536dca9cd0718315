import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

/** A square button holding only a symbol, so it must say what it does in `aria-label`; 44 px on a phone, for a finger. */
export function IconButton({
  className,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { "aria-label": string }) {
  return (
    <button
      type={type}
      className={cn(
        "inline-flex size-11 items-center justify-center rounded-md text-zinc-600 transition hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-violet-500 disabled:cursor-not-allowed disabled:opacity-30 sm:size-7 dark:text-zinc-300 dark:hover:bg-zinc-800",
        className,
      )}
      {...props}
    />
  );
}
