/** Why Generate waits: shown only once a file is chosen, so not first-load code. */
export function WaitingNote({ busy }: { busy: boolean }) {
  return (
    <p data-testid="submit-blocked" className="text-xs text-amber-700 dark:text-amber-300">
      {busy
        ? "Wait for the upload to finish before generating."
        : "A reference file needs attention: retry or remove the one marked in red."}
    </p>
  );
}
