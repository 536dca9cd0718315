import { errorResponse, failureResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import { deleteFromHistory } from "@/lib/server/tasks/history";
import { refreshTask } from "@/lib/server/tasks/refresh";

type Params = { params: Promise<{ id: string }> };
const UNKNOWN = "This studio has no task with that id.";

export const GET = apiRoute(async (request: Request, { params }: Params): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
  try {
    const task = await refreshTask(id);
    if (!task) return errorResponse("task_not_found", { detail: UNKNOWN });
    return Response.json(task, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return failureResponse(error);
  }
});

export const DELETE = apiRoute(async (request: Request, { params }: Params): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
  const outcome = await deleteFromHistory(id);
  if (outcome === "not_found") return errorResponse("task_not_found", { detail: UNKNOWN });
  if (outcome === "running") return errorResponse("task_still_running");
  return new Response(null, { status: 204 });
});
