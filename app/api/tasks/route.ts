import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { historyChanges, listHistory } from "@/lib/server/tasks/history";
import { parseHistoryQuery } from "@/lib/server/tasks/history-params";

const NO_STORE = { headers: { "Cache-Control": "no-store" } };

export const GET = apiRoute((request: Request): Response => {
  const refused = guard(request);
  if (refused) return refused;
  const query = parseHistoryQuery(new URL(request.url).searchParams);
  if (!query.ok) return query.response;
  const { value } = query;
  return Response.json(value.kind === "page" ? listHistory(value) : historyChanges(value), NO_STORE);
});
