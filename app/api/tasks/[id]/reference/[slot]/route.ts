import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { TASK_ID_PATTERN } from "@/lib/evolink/contract";
import {
  referenceSlotKey,
  referenceSlots,
  referenceThumbnailKey,
  type ReferenceSlot,
} from "@/lib/server/tasks/archive";
import { keptKindOf } from "@/lib/server/tasks/archive-reference";
import { storage } from "@/lib/server/storage";
import { findTask, type TaskRecord } from "@/lib/server/store/tasks";

/**
 * A reference kept with a result (archive-reference.ts): `image-N` (the request's image N), or with `?thumbnail=1`
 * the small JPEG of `video` or `image-N`, so cards and remix show them after the upload's link has expired.
 */
export const GET = apiRoute(
  async (request: Request, { params }: { params: Promise<{ id: string; slot: string }> }): Promise<Response> => {
    const refused = await guard(request);
    if (refused) return refused;
    const { id, slot } = await params;
    if (!TASK_ID_PATTERN.test(id)) return errorResponse("invalid_task_id");
    const record = await findTask(id);
    if (!record) return errorResponse("task_not_found", { detail: "This studio has no task with that id." });
    const thumbnail = new URL(request.url).searchParams.get("thumbnail") === "1";
    const known = referenceSlots(record.request.imageUrls.length).find((candidate) => candidate === slot);
    if (!known || (known === "video" && !thumbnail))
      return errorResponse("reference_not_kept", { detail: "This entry has no reference by that name." });
    if (!isKept(record, known, thumbnail))
      return errorResponse("reference_not_kept", { detail: "This reference was not kept with the result." });
    const key = thumbnail ? referenceThumbnailKey(id, known) : referenceSlotKey(id, known);
    const type = thumbnail ? "image/jpeg" : await keptKindOf(key);
    const headers = new Headers({
      "Content-Type": type ?? "application/octet-stream",
      "Cache-Control": "private, max-age=3600",
      "X-Content-Type-Options": "nosniff",
    });
    const kept = type ? await storage().serve(key, { range: request.headers.get("range"), headers }) : null;
    return (
      kept ??
      errorResponse("reference_not_kept", {
        detail: "The saved copy of the reference is missing from the archive folder.",
      })
    );
  },
);

function isKept(record: TaskRecord, slot: ReferenceSlot, thumbnail: boolean): boolean {
  const kept = record.keptReferences;
  if (slot === "video") return record.referenceState === "archived" && Boolean(kept?.videoThumbnail);
  const image = kept?.images[Number(slot.slice("image-".length)) - 1];
  return image?.state === "archived" && (!thumbnail || image.thumbnail);
}
