import { Alert } from "@/components/ui/alert";
import { RequestId } from "@/components/ui/request-id";
import type { StudioErrorBody } from "@/lib/errors";
import { ErrorDetails } from "./error-details";

/** Why Generate was refused, what to do, and the request id to quote. */
export function SubmitFailure({ failure }: { failure: StudioErrorBody }) {
  return (
    <Alert tone="error" live testId="form-error" title={failure.message}>
      <ErrorDetails error={failure} />
      <RequestId id={failure.requestId} />
    </Alert>
  );
}

/** After a remix: the entry's uploads that have expired and must be chosen again. */
export function ExpiredReferences({ names }: { names: string[] }) {
  return (
    <Alert
      tone="warning"
      testId="remix-expired"
      title="Some references were uploads that have expired (uploads last 72 hours)."
    >
      <p>Upload them again: {names.join(", ")}.</p>
    </Alert>
  );
}
