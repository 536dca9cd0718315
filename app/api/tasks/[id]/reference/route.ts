import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import { referenceSlotKey } from "@/lib/server/tasks/archive";
import { storage } from "@/lib/server/storage";
import { findTask } from "@/lib/server/store/tasks";

/** The reference video kept with a result (see archive-reference.ts), with Range so the compare view can seek. */
export const GET = apiRoute(
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const refused = await guard(request);
    if (refused) return refused;
    const { id } = await params;
    if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
    const record = await findTask(id);
    if (!record) return errorResponse("task_not_found", { detail: "This studio has no task with that id." });
    const headers = new Headers({
      "Content-Type": "video/mp4",
      "Cache-Control": "private, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    });
    const kept =
      record.referenceState === "archived"
        ? await storage().serve(referenceSlotKey(id, "video"), { range: request.headers.get("range"), headers })
        : null;
    return kept ?? errorResponse("reference_not_kept", { detail: REFERENCE_DETAIL[record.referenceState] });
  },
);

const REFERENCE_DETAIL = {
  none: "The reference is copied once the result is saved; this one has not been yet.",
  archived: "The saved copy of the reference is missing from the archive folder.",
  gone: "The reference link had already expired when the result was saved.",
  failed: "The reference could not be downloaded when the result was saved.",
} as const;
