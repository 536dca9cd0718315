import { useEffect } from "react";
import type { Path, UseFormSetError } from "react-hook-form";
import { Alert } from "@/components/ui/alert";
import { RequestId } from "@/components/ui/request-id";
import type { StudioErrorBody } from "@/lib/errors";
import type { GenerationRequest } from "@/lib/generation/schema";
import { ErrorDetails } from "./error-details";

/**
 * Why Generate was refused, what to do, and the request id to quote; the server's own field checks mark the same
 * fields the browser's would.
 */
export function SubmitFailure({
  failure,
  setError,
}: {
  failure: StudioErrorBody;
  setError: UseFormSetError<GenerationRequest>;
}) {
  useEffect(() => {
    for (const [path, message] of Object.entries(failure.fields ?? {})) {
      if (path !== "_") setError(path as Path<GenerationRequest>, { message });
    }
  }, [failure.fields, setError]);
  return (
    <Alert tone="error" live testId="form-error" title={failure.message}>
      <ErrorDetails error={failure} />
      <RequestId id={failure.requestId} />
    </Alert>
  );
}

// The form's and the studio's other after-first-paint parts come through this one module, so the page's first load
// carries one loader entry for all of them instead of one each.
export { AccountBalance, BalanceWarning } from "./balance";
export { ConfirmGenerate } from "./confirm-generate";
export { FormWatchers } from "./form-watchers";
export { KeyRejectedBanner } from "./key-rejected-banner";
export { NewCardNotice } from "./new-card-notice";
export { RemixNotes } from "./remix-notes";
export { WaitingNote } from "./waiting-note";
