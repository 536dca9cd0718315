"use client";
import { Alert } from "@/components/ui/alert";

/**
 * After a remix: the entry's uploads that have expired and must be chosen again, and its elements that have
 * left the library since, named rather than dropped silently.
 */
export function RemixNotes({ expired, deletedElements }: { expired: string[]; deletedElements: string[] }) {
  return (
    <>
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
