import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { config, type StudioConfig } from "../config";
import { errorResponse } from "./api-response";
import { budgetKey, CLIENT_ADDRESS_HEADER, stampedClientAddress } from "./client-address";

/** Per-client budgets for the routes that cost money or bandwidth or take secrets (per minute, configured). */
type Budget = keyof StudioConfig["rateLimitsPerMinute"];

const globalForLimits = globalThis as typeof globalThis & { __rateLimiters?: Map<Budget, RateLimiterMemory> };
const limiters = (globalForLimits.__rateLimiters ??= new Map());

function limiter(budget: Budget): RateLimiterMemory {
  let existing = limiters.get(budget);
  if (!existing) {
    existing = new RateLimiterMemory({ points: config().rateLimitsPerMinute[budget], duration: 60 });
    limiters.set(budget, existing);
  }
  return existing;
}

/**
 * The client as the HTTP edge saw it (lib/server/http-edge.ts: the socket, or the hop TRUST_PROXY_HOPS
 * points at). A request without the edge's stamp shares one budget with all such requests: no header a
 * client sends can choose its budget.
 */
export function clientKey(request: Request): string {
  const address = stampedClientAddress(request.headers.get(CLIENT_ADDRESS_HEADER));
  return address ? budgetKey(address) : "unstamped";
}

/** A 429 with Retry-After when the client has spent its budget, else null. */
export async function rateLimit(request: Request, budget: Budget): Promise<Response | null> {
  try {
    await limiter(budget).consume(`${budget}:${clientKey(request)}`);
    return null;
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
    const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
    return errorResponse("too_many_requests", {
      detail: `Try again in ${seconds} s.`,
      headers: { "Retry-After": String(seconds) },
    });
  }
}
