import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import { readPoster } from "@/lib/server/tasks/poster";

export const GET = apiRoute(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
  const poster = await readPoster(id);
  if (poster === "unknown") return errorResponse("task_not_found", { detail: "This studio has no task with that id." });
  if (poster === "none") return errorResponse("poster_not_found");
  // Each poster's URL carries its version, so it may be kept for good; the ETag answers a revalidation.
  const headers = { "Cache-Control": "private, max-age=31536000, immutable", ETag: poster.etag };
  if (request.headers.get("if-none-match") === poster.etag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(poster.bytes), {
    headers: { ...headers, "Content-Type": "image/jpeg", "X-Content-Type-Options": "nosniff" },
  });
});
