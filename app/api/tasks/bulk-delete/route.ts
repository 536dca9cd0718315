import { errorResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { parseBulkDelete } from "@/lib/server/tasks/history-params";
import { bulkDelete } from "@/lib/server/tasks/history";

// 1000 ids of ~36 characters, quoted and separated.
const MAX_BODY_BYTES = 64 * 1024;

export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const target = parseBulkDelete(body.value);
  if (!target.ok) return target.response;
  const result = await bulkDelete(target.value);
  // Naming only ids this studio never had changes nothing: that is a 404, like deleting one of them.
  if (result.notFound.length > 0 && result.deleted.length === 0 && result.skippedRunning.length === 0) {
    return errorResponse("task_not_found", { detail: "This studio has none of the tasks named." });
  }
  return Response.json(result, { headers: { "Cache-Control": "no-store" } });
});
