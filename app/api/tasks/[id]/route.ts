import { errorResponse, failureResponse } from "@/lib/api-response";
import { TASK_ID_PATTERN } from "@/lib/generation-schema";
import { refreshTask } from "@/lib/tasks";

export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
  try {
    const task = await refreshTask(id);
    if (!task) return errorResponse("task_not_found", { detail: "This studio has no task with that id." });
    return Response.json(task, { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    return failureResponse(error);
  }
}
