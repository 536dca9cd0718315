import "server-only";
import { errorResponse } from "./api-response";
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyConflict } from "../tasks/submit";

/** The request's Idempotency-Key (optional), or the refusal of a malformed one. */
export function idempotencyKeyOf(request: Request): { ok: true; key?: string } | { ok: false; response: Response } {
  const key = request.headers.get("idempotency-key") ?? undefined;
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return {
      ok: false,
      response: errorResponse("validation_failed", {
        fields: { _: "Idempotency-Key must be 8–128 letters, digits, - or _." },
      }),
    };
  }
  return { ok: true, key };
}

/** The answer to a paid create that met its key already in use, or null for any other error. */
export function idempotencyConflictResponse(error: unknown): Response | null {
  if (!(error instanceof IdempotencyConflict)) return null;
  return errorResponse(error.reason === "different_request" ? "idempotency_conflict" : "submission_in_progress");
}
