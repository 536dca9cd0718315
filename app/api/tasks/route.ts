import { apiRoute } from "@/lib/api-route";
import { guard } from "@/lib/auth/guard";
import { listHistory } from "@/lib/history";

export const GET = apiRoute((request: Request): Response => {
  return guard(request) ?? Response.json(listHistory(), { headers: { "Cache-Control": "no-store" } });
});
