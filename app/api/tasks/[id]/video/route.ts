import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import { streamResult } from "@/lib/server/tasks/result-stream";
import { findTask } from "@/lib/server/store/tasks";

export const GET = apiRoute(
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const refused = await guard(request);
    if (refused) return refused;
    const { id } = await params;
    if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
    const record = await findTask(id);
    if (!record) return errorResponse("task_not_found", { detail: "This studio has no task with that id." });
    if (!record.resultUrl && record.archiveState !== "archived") return errorResponse("result_not_ready");
    const result = await streamResult(record, {
      range: request.headers.get("range"),
      download: new URL(request.url).searchParams.has("download"),
      signal: request.signal,
    });
    if (result.ok) return result.response;
    return errorResponse(result.reason === "expired" ? "result_expired" : "upstream_unreachable");
  },
);
