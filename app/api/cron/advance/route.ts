import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { advance } from "@/lib/server/tasks/background";
import { cronRefusal } from "@/lib/server/tasks/cron";

/**
 * A platform scheduler's tick (BACKGROUND_POLLER=off, or any deployment): advances the due tasks and archives
 * the finished ones under this instance's leases, exactly as the in-process poller's tick does, and answers the
 * counts. No session (a scheduler has none) but its bearer CRON_SECRET; the body is never read. It spends the
 * sign-in budget, the one meant for guessing secrets.
 */
export const POST = apiRoute(async (request: Request): Promise<Response> => {
  const refused = (await guard(request, { session: false })) ?? (await rateLimit(request, "signIn"));
  if (refused) return refused;
  const denied = cronRefusal(request);
  if (denied) return denied;
  return Response.json(await advance(), { headers: { "Cache-Control": "no-store" } });
});
