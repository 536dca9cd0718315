import type { ComponentProps } from "react";
import { cva, type VariantProps } from "class-variance-authority";
import { cn } from "./cn";

/** Box, type and focus styling shared by every text control; `surface: "none"` for a control drawn over a backdrop. */
export const controlVariants = cva(
  "w-full rounded-lg border border-zinc-300 px-3 py-2 text-sm max-sm:min-h-11 shadow-xs placeholder:text-zinc-400 focus:border-violet-500 focus:outline-none focus:ring-2 focus:ring-violet-500/30 aria-[invalid=true]:border-red-500 aria-[invalid=true]:ring-red-500/20 dark:border-zinc-700 dark:placeholder:text-zinc-500",
  {
    variants: {
      surface: {
        solid: "bg-white text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100",
        none: "bg-transparent",
      },
    },
    defaultVariants: { surface: "solid" },
  },
);

type ControlVariants = VariantProps<typeof controlVariants>;

export function Input({ className, surface, ...props }: ComponentProps<"input"> & ControlVariants) {
  return <input className={cn(controlVariants({ surface }), className)} {...props} />;
}

export function Textarea({ className, surface, ...props }: ComponentProps<"textarea"> & ControlVariants) {
  return <textarea className={cn(controlVariants({ surface }), className)} {...props} />;
}

export function Select({ className, surface, ...props }: ComponentProps<"select"> & ControlVariants) {
  return <select className={cn(controlVariants({ surface }), className)} {...props} />;
}
