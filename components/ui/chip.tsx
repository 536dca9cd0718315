import type { ButtonHTMLAttributes } from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { cn } from "./cn";

// At least 44 px tall on a phone, for a finger (px-* keeps them wider than that).
const chipVariants = cva(
  "font-medium transition max-sm:min-h-11 focus-visible:outline-2 focus-visible:outline-violet-500 disabled:cursor-not-allowed disabled:opacity-40",
  {
    variants: {
      variant: {
        // An attached reference (its picture and name) that inserts its token into the prompt.
        reference:
          "inline-flex items-center gap-1.5 rounded-md border border-violet-200 bg-violet-50 py-1 pr-2 pl-1 text-xs text-violet-900 hover:bg-violet-100 dark:border-violet-900 dark:bg-violet-950/60 dark:text-violet-100 dark:hover:bg-violet-900/60",
        // A toggle in a row of filters; `aria-pressed` marks the chosen one.
        filter:
          "rounded-full border border-zinc-300 px-3 py-1 text-xs text-zinc-700 aria-pressed:border-violet-600 aria-pressed:bg-violet-600 aria-pressed:text-white dark:border-zinc-700 dark:text-zinc-300",
      },
    },
    defaultVariants: { variant: "reference" },
  },
);

export function Chip({
  className,
  variant,
  type = "button",
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & VariantProps<typeof chipVariants>) {
  return <button type={type} className={cn(chipVariants({ variant }), className)} {...props} />;
}
