import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { bucket } from "@/lib/server/storage";
import { signUpload } from "@/lib/server/uploads/direct";
import { parseAnnouncement } from "@/lib/server/uploads/direct-params";

/** With STORAGE_URL: signs one browser upload straight to the bucket, of exactly the announced size and type. */
export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = (await guard(request)) ?? (await rateLimit(request, "upload"));
  if (refused) return refused;
  const store = bucket();
  if (!store)
    return errorResponse("not_found", { detail: "This studio keeps files in its folder: upload to /api/uploads." });
  const body = await readJsonBody(request, 4096);
  if (!body.ok) return body.response;
  const announced = parseAnnouncement(body.value);
  if (!announced.ok) return errorResponse("validation_failed", { fields: announced.fields });
  try {
    const signed = await signUpload(store, announced.value);
    if (!signed.ok) return errorResponse(signed.code, { detail: signed.detail });
    const { key, uploadUrl, headers, expiresAt } = signed;
    return Response.json(
      { key, uploadUrl, headers, expiresAt },
      { status: 201, headers: { "Cache-Control": "no-store" } },
    );
  } catch (error) {
    return failureResponse(error);
  }
});
