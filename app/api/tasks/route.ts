import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { historyChanges, listHistory } from "@/lib/server/tasks/history";
import { parseHistoryQuery } from "@/lib/server/tasks/history-params";

const NO_STORE = { headers: { "Cache-Control": "no-store" } };

export const GET = apiRoute(async (request: Request): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const query = parseHistoryQuery(new URL(request.url).searchParams);
  if (!query.ok) return query.response;
  const { value } = query;
  return Response.json(value.kind === "page" ? await listHistory(value) : await historyChanges(value), NO_STORE);
});
