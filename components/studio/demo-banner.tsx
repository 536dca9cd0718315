export function DemoBanner() {
  return (
    <section
      aria-label="Demo mode"
      data-testid="demo-banner"
      className="border-b border-amber-200 bg-amber-50 px-4 py-2 text-center text-sm text-amber-900 dark:border-amber-900/60 dark:bg-amber-950/60 dark:text-amber-100"
    >
      <strong className="font-semibold">Demo mode — simulated results.</strong>{" "}
      <span className="opacity-90">
        No EVOLINK_API_KEY is set, so a built-in simulator answers and nothing is charged.
      </span>
    </section>
  );
}
