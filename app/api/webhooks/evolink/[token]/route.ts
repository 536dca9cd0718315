import { errorResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { fieldErrors } from "@/lib/generation/schema";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { callbackBodySchema, callbackTaskId, refreshFromCallback } from "@/lib/server/tasks/callbacks";

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Evolink's task callback (CONTRACT.md, "Callbacks"). It comes from Evolink's servers, cross-site and
 * without a session, so this is the one API route that does not call guard(): the unguessable
 * per-task token in the path is its credential. The body is unsigned and only names the task; the
 * studio then asks the upstream itself.
 */
export const POST = apiRoute(
  async (request: Request, { params }: { params: Promise<{ token: string }> }): Promise<Response> => {
    const limited = await rateLimit(request, "webhook");
    if (limited) return limited;
    const taskId = await callbackTaskId((await params).token);
    if (!taskId) return errorResponse("unknown_callback");
    const body = await readJsonBody(request, MAX_BODY_BYTES);
    if (!body.ok) return body.response;
    const parsed = callbackBodySchema.safeParse(body.value);
    if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
    if (parsed.data.id !== taskId) return errorResponse("callback_task_mismatch");
    const phase = await refreshFromCallback(taskId);
    // 202: received, and the refresh is still running or failed (polling remains the fallback).
    return Response.json(
      { received: true, taskId, phase },
      { status: phase ? 200 : 202, headers: { "Cache-Control": "no-store" } },
    );
  },
);
