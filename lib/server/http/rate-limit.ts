import "server-only";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { errorResponse } from "./api-response";
import { budgetKey, CLIENT_ADDRESS_HEADER, stampedClientAddress } from "./client-address";

/** Per-client budgets for the routes that cost money or bandwidth or take secrets; per minute, set by environment. */
const BUDGETS = {
  generate: { env: "RATE_LIMIT_GENERATE_PER_MIN", fallback: 10 },
  upload: { env: "RATE_LIMIT_UPLOAD_PER_MIN", fallback: 30 },
  signIn: { env: "RATE_LIMIT_SIGN_IN_PER_MIN", fallback: 10 },
  // Evolink sends one callback per finished task (up to 4 with retries); more from one address is guessing.
  webhook: { env: "RATE_LIMIT_WEBHOOK_PER_MIN", fallback: 120 },
} as const;

type Budget = keyof typeof BUDGETS;

const globalForLimits = globalThis as typeof globalThis & { __rateLimiters?: Map<Budget, RateLimiterMemory> };
const limiters = (globalForLimits.__rateLimiters ??= new Map());

function limiter(budget: Budget): RateLimiterMemory {
  let existing = limiters.get(budget);
  if (!existing) {
    const configured = Number(process.env[BUDGETS[budget].env]);
    const points = Number.isFinite(configured) && configured > 0 ? configured : BUDGETS[budget].fallback;
    existing = new RateLimiterMemory({ points, duration: 60 });
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
