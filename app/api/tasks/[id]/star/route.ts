import { errorResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { fieldErrors } from "@/lib/generation/schema";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import { starBodySchema } from "@/lib/server/tasks/history-params";
import { starTask } from "@/lib/server/tasks/history";

export const PUT = apiRoute(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
  const body = await readJsonBody(request, 1024);
  if (!body.ok) return body.response;
  const parsed = starBodySchema.safeParse(body.value);
  if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
  const task = await starTask(id, parsed.data.starred);
  if (!task) return errorResponse("task_not_found", { detail: "This studio has no task with that id." });
  return Response.json(task, { headers: { "Cache-Control": "no-store" } });
});
