import type { StudioErrorBody } from "@/lib/errors";

/** What to do, the studio's specifics, and Evolink's own words, each shown as what it is. */
export function ErrorDetails({ error }: { error: Pick<StudioErrorBody, "action" | "detail" | "upstreamMessage"> }) {
  return (
    <>
      <p>{error.action}</p>
      {error.detail && <p className="mt-1 whitespace-pre-line">{error.detail}</p>}
      {error.upstreamMessage && (
        <p className="mt-1 font-mono text-xs whitespace-pre-line opacity-80">Evolink said: {error.upstreamMessage}</p>
      )}
    </>
  );
}
