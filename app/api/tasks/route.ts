import { listHistory } from "@/lib/history";

export function GET(): Response {
  return Response.json(listHistory(), { headers: { "Cache-Control": "no-store" } });
}
