import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { fieldErrors, generationRequestSchema } from "@/lib/generation/schema";
import { ElementRefusal } from "@/lib/server/elements/resolve";
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyConflict } from "@/lib/server/tasks/submit";
import { submitVariants } from "@/lib/server/tasks/variants";
import { randomUUID } from "node:crypto";

const MAX_BODY_BYTES = 64 * 1024;

export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = guard(request) ?? (await rateLimit(request, "generate"));
  if (refused) return refused;
  const key = request.headers.get("idempotency-key") ?? undefined;
  if (key !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    return errorResponse("validation_failed", {
      fields: { _: "Idempotency-Key must be 8–128 letters, digits, - or _." },
    });
  }
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const parsed = generationRequestSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
  try {
    const outcome = await submitVariants(parsed.data, key ?? randomUUID());
    // One take answers with its task, as before variants; a group answers with its takes in order.
    const body = "task" in outcome ? outcome.task : { groupId: outcome.groupId, takes: outcome.takes };
    return Response.json(body, { status: outcome.replayed ? 200 : 201 });
  } catch (error) {
    if (error instanceof ElementRefusal) {
      return errorResponse(error.code, { detail: error.detail, fields: { elementIds: error.detail } });
    }
    if (error instanceof IdempotencyConflict) {
      return errorResponse(error.reason === "different_request" ? "idempotency_conflict" : "submission_in_progress");
    }
    return failureResponse(error);
  }
});
