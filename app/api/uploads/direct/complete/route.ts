import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { bucket } from "@/lib/server/storage";
import { completeUpload } from "@/lib/server/uploads/direct";
import { parseCompletion } from "@/lib/server/uploads/direct-params";

/** Checks a direct upload the browser finished: removed with the reason when it breaks a rule, else its link. */
export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const store = bucket();
  if (!store)
    return errorResponse("not_found", { detail: "This studio keeps files in its folder: upload to /api/uploads." });
  const body = await readJsonBody(request, 4096);
  if (!body.ok) return body.response;
  const completion = parseCompletion(body.value);
  if (!completion.ok) return errorResponse("validation_failed", { fields: completion.fields });
  try {
    const outcome = await completeUpload(store, completion.value.key, completion.value.name);
    if (!outcome.ok) return errorResponse(outcome.code, { detail: outcome.detail });
    return Response.json(
      { fileUrl: outcome.fileUrl, expiresAt: outcome.expiresAt, facts: outcome.facts },
      { status: 201, headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return failureResponse(error);
  }
});
