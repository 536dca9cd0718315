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
