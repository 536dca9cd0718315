import { errorResponse } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { HISTORY_LIMITS } from "@/lib/tasks/view";
import { matchingIds } from "@/lib/server/store/history";
import { parseFilter, parseIds } from "@/lib/server/tasks/history-params";
import { zipResults } from "@/lib/server/tasks/zip";

const CAP = HISTORY_LIMITS.zipMax;

/** `?ids=a,b,c` or `?match=1&status=…&q=…&starred=…`: at most 500 entries, at least one saved video. */
export const GET = apiRoute(async (request: Request): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const params = new URL(request.url).searchParams;
  let ids: string[];
  if (params.get("match") === "1") {
    const filter = parseFilter(params);
    if (!filter.ok) return filter.response;
    ids = await matchingIds(filter.value.filter, CAP + 1);
  } else {
    const named = parseIds((params.get("ids") ?? "").split(",").filter(Boolean));
    if (!named.ok) return named.response;
    ids = named.value;
  }
  if (ids.length > CAP) {
    const asked =
      params.get("match") === "1" ? `More than ${CAP} entries match` : `${ids.length} entries were selected`;
    return errorResponse("zip_too_many", { detail: `${asked}; one ZIP holds at most ${CAP}.` });
  }
  if (ids.length === 0) return errorResponse("zip_empty", { detail: "No entry was selected." });
  const zip = await zipResults(ids, request.signal);
  return zip.ok ? zip.response : errorResponse("zip_empty", { detail: zip.detail });
});
