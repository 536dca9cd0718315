import type { ComponentProps } from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { cn } from "./cn";

const checkboxVariants = cva(
  "shrink-0 cursor-pointer rounded border-zinc-300 accent-violet-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-violet-500 disabled:cursor-not-allowed disabled:opacity-40 dark:border-zinc-600",
  {
    variants: { size: { sm: "size-4", md: "size-5" } },
    defaultVariants: { size: "md" },
  },
);

/** A native checkbox (keyboard, forms and screen readers for free), drawn in the studio's accent colour. */
export function Checkbox({
  className,
  size,
  ...props
}: Omit<ComponentProps<"input">, "type" | "size"> & VariantProps<typeof checkboxVariants>) {
  return <input type="checkbox" className={cn(checkboxVariants({ size }), className)} {...props} />;
}
