import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { idempotencyConflictResponse, idempotencyKeyOf } from "@/lib/server/http/idempotency";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { fieldErrors, generationRequestSchema } from "@/lib/generation/schema";
import { ElementRefusal } from "@/lib/server/elements/resolve";
import { submitVariants } from "@/lib/server/tasks/variants";
import { randomUUID } from "node:crypto";

const MAX_BODY_BYTES = 64 * 1024;

export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = (await guard(request)) ?? (await rateLimit(request, "generate"));
  if (refused) return refused;
  const idempotency = idempotencyKeyOf(request);
  if (!idempotency.ok) return idempotency.response;
  const { key } = idempotency;
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
    return idempotencyConflictResponse(error) ?? failureResponse(error);
  }
});
