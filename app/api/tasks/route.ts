import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { listHistory } from "@/lib/server/tasks/history";

export const GET = apiRoute((request: Request): Response => {
  return guard(request) ?? Response.json(listHistory(), { headers: { "Cache-Control": "no-store" } });
});
