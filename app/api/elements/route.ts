import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { idempotencyConflictResponse, idempotencyKeyOf } from "@/lib/server/http/idempotency";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { elementRequestSchema } from "@/lib/elements/schema";
import { fieldErrors } from "@/lib/generation/schema";
import { createElement } from "@/lib/server/elements/create";
import { elementLibrary } from "@/lib/server/elements/library";

const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { "Cache-Control": "no-store" };

export const GET = apiRoute(async (request: Request): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  return Response.json({ elements: await elementLibrary() }, { headers: NO_STORE });
});

export const POST = apiRoute(async (request: Request): Promise<Response> => {
  // A creation costs credits, so it shares Generate's budget.
  const refused = (await guard(request)) ?? (await rateLimit(request, "generate"));
  if (refused) return refused;
  const idempotency = idempotencyKeyOf(request);
  if (!idempotency.ok) return idempotency.response;
  const { key } = idempotency;
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const parsed = elementRequestSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
  try {
    const { element, replayed } = await createElement(parsed.data, key);
    return Response.json(element, { status: replayed ? 200 : 201, headers: NO_STORE });
  } catch (error) {
    return idempotencyConflictResponse(error) ?? failureResponse(error);
  }
});
