import "server-only";
import { errorResponse } from "../http/api-response";
import { hostAllowed, hostPolicy, requestedHost } from "../http/allowed-hosts";
import { trustedProxyHops } from "../http/client-address";
import { authEnabled, sessionFromCookieHeader, sessionValid } from "./session";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses cross-site state changes: browsers mark requests with Sec-Fetch-Site, and older ones send an
 * Origin that must match the host the request came to. A Host the studio does not answer to (a rebound
 * name) is refused for every method: the HTTP edge (lib/server/http-edge.ts) already turns those away,
 * and this covers requests that reached a route without it (one that came in while the server started).
 */
function crossOrigin(request: Request): boolean {
  const host = requestedHost(request.headers.get("host"), request.headers.get("x-forwarded-host"), trustedProxyHops());
  if (request.headers.has("host") && !hostAllowed(host, hostPolicy())) return true;
  if (SAFE_METHODS.has(request.method)) return false;
  const site = request.headers.get("sec-fetch-site");
  if (site) return site !== "same-origin" && site !== "none";
  const origin = request.headers.get("origin");
  if (!origin) return false;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

/**
 * What every API route checks first: same-origin state changes, and a session when the gate is on
 * (`session: false` only for signing in and out). The one route that does not call it is Evolink's
 * task callback (app/api/webhooks/evolink/[token]), which arrives cross-site without a session and is
 * authorised by its per-task token instead.
 */
export async function guard(
  request: Request,
  { session = true }: { session?: boolean } = {},
): Promise<Response | null> {
  if (crossOrigin(request)) return errorResponse("cross_origin_refused");
  if (session && authEnabled() && !(await sessionValid(sessionFromCookieHeader(request.headers.get("cookie"))))) {
    return errorResponse("sign_in_required");
  }
  return null;
}
