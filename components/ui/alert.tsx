import type { ReactNode } from "react";

const TONES = {
  error: "border-red-200 bg-red-50 text-red-900 dark:border-red-900/60 dark:bg-red-950/50 dark:text-red-100",
  warning:
    "border-amber-200 bg-amber-50 text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/40 dark:text-amber-100",
  info: "border-sky-200 bg-sky-50 text-sky-900 dark:border-sky-900/60 dark:bg-sky-950/40 dark:text-sky-100",
};

/** A message box. `role="alert"` only for errors that appear in response to an action. */
export function Alert({
  tone,
  title,
  children,
  testId,
  live = false,
}: {
  tone: keyof typeof TONES;
  title: ReactNode;
  children?: ReactNode;
  testId?: string;
  live?: boolean;
}) {
  return (
    <div
      role={live ? "alert" : undefined}
      data-testid={testId}
      className={`rounded-lg border px-3 py-2.5 text-sm ${TONES[tone]}`}
    >
      <p className="font-semibold">{title}</p>
      {children && <div className="mt-1 opacity-90">{children}</div>}
    </div>
  );
}
