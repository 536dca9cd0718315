"use client";
import { Alert } from "@/components/ui/alert";

/**
 * After a remix: the entry's expired uploads the studio is uploading again from its own copy, those it had no copy
 * of (to be chosen again), and its elements that have left the library since, named rather than dropped silently.
 */
export function RemixNotes({
  expired,
  reuploaded,
  deletedElements,
}: {
  expired: string[];
  reuploaded: string[];
  deletedElements: string[];
}) {
  return (
    <>
      {reuploaded.length > 0 && (
        <Alert
          tone="info"
          testId="remix-reuploaded"
          title="Some references were uploads that have expired (uploads last 72 hours)."
        >
          <p>The studio kept a copy of each, and is uploading it again: {reuploaded.join(", ")}.</p>
        </Alert>
      )}
      {expired.length > 0 && (
        <Alert
          tone="warning"
          testId="remix-expired"
          title="Some references were uploads that have expired (uploads last 72 hours)."
        >
          <p>Upload them again: {expired.join(", ")}.</p>
        </Alert>
      )}
      {deletedElements.length > 0 && (
        <Alert
          tone="warning"
          testId="remix-deleted-elements"
          title="Some elements of that entry were deleted from the library since."
        >
          <p>Left out, with their prompt tokens: {deletedElements.join(", ")}. Create them again to use them.</p>
        </Alert>
      )}
    </>
  );
}
