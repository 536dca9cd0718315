import { errorResponse, failureResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { takeUploadSlot } from "@/lib/server/uploads/slots";
import { receiveUpload } from "@/lib/server/uploads/receive";

export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = (await guard(request)) ?? (await rateLimit(request, "upload"));
  if (refused) return refused;
  const kind = new URL(request.url).searchParams.get("kind");
  if (kind !== "video" && kind !== "image") {
    return errorResponse("upload_invalid", { detail: "Add ?kind=video or ?kind=image to the upload URL." });
  }
  const slot = takeUploadSlot(request);
  if (!slot.ok) return slot.response;
  try {
    const outcome = await receiveUpload(request, kind);
    if (!outcome.ok) return errorResponse(outcome.code, { detail: outcome.detail });
    return Response.json(
      { fileUrl: outcome.fileUrl, expiresAt: outcome.expiresAt, facts: outcome.facts },
      { status: 201 },
    );
  } catch (error) {
    return failureResponse(error);
  } finally {
    slot.release();
  }
});
