import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { elementRequestSchema } from "@/lib/elements/schema";
import { fieldErrors } from "@/lib/generation/schema";
import { createElement } from "@/lib/server/elements/create";
import { elementLibrary } from "@/lib/server/elements/library";
import { IDEMPOTENCY_KEY_PATTERN, IdempotencyConflict } from "@/lib/server/tasks/submit";

const MAX_BODY_BYTES = 64 * 1024;
const NO_STORE = { "Cache-Control": "no-store" };

export const GET = apiRoute(async (request: Request): Promise<Response> => {
  const refused = guard(request);
  if (refused) return refused;
  return Response.json({ elements: await elementLibrary() }, { headers: NO_STORE });
});

export const POST = apiRoute(async (request: Request): Promise<Response> => {
  // A creation costs credits, so it shares Generate's budget.
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
  const parsed = elementRequestSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
  try {
    const { element, replayed } = await createElement(parsed.data, key);
    return Response.json(element, { status: replayed ? 200 : 201, headers: NO_STORE });
  } catch (error) {
    if (error instanceof IdempotencyConflict) {
      return errorResponse(error.reason === "different_request" ? "idempotency_conflict" : "submission_in_progress");
    }
    return failureResponse(error);
  }
});
