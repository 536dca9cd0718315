import { guard } from "@/lib/auth/guard";
import { listHistory } from "@/lib/history";

export function GET(request: Request): Response {
  return guard(request) ?? Response.json(listHistory(), { headers: { "Cache-Control": "no-store" } });
}
