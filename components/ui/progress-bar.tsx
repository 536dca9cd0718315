export function ProgressBar({
  value,
  label,
  tone = "active",
}: {
  value: number;
  label: string;
  tone?: "active" | "done" | "failed";
}) {
  const colour = tone === "done" ? "bg-emerald-500" : tone === "failed" ? "bg-red-500" : "bg-violet-500";
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={value}
      className="h-2 w-full overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
    >
      <div
        className={`h-full rounded-full transition-[width] duration-700 ease-out ${colour}`}
        style={{ width: `${value}%` }}
      />
    </div>
  );
}
