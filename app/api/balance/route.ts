import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { accountBalance } from "@/lib/server/evolink/balance";

/** The Evolink account's remaining credits; an upstream failure is answered as its catalog error (apiRoute). */
export const GET = apiRoute(async (request: Request): Promise<Response> => {
  const refused = guard(request);
  if (refused) return refused;
  return Response.json({ credits: await accountBalance() }, { headers: { "Cache-Control": "no-store" } });
});
