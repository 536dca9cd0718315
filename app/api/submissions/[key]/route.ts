import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { dismissSubmission } from "@/lib/server/store/submissions";
import { SUBMISSION_KEY_PATTERN } from "@/lib/server/tasks/variants";

/** Hides an unknown-outcome submission from the history once the person has checked it. */
export const DELETE = apiRoute(
  async (request: Request, { params }: { params: Promise<{ key: string }> }): Promise<Response> => {
    const refused = await guard(request);
    if (refused) return refused;
    const { key } = await params;
    if (!SUBMISSION_KEY_PATTERN.test(key)) return errorResponse("not_found");
    return (await dismissSubmission(key)) ? new Response(null, { status: 204 }) : errorResponse("not_found");
  },
);
