import "server-only";
import type pg from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { config, type StudioConfig } from "../config";
import { store } from "../store/connection";
import { errorResponse } from "./api-response";
import { budgetKey, CLIENT_ADDRESS_HEADER, stampedClientAddress } from "./client-address";

/** Per-client budgets for the routes that cost money or bandwidth or take secrets (per minute, configured). */
type Budget = keyof StudioConfig["rateLimitsPerMinute"];
type Limiter = RateLimiterMemory | RateLimiterPostgres;

const globalForLimits = globalThis as typeof globalThis & {
  __rateLimiters?: Map<Budget, RateLimiterMemory>;
  __sharedRateLimiters?: WeakMap<pg.Pool, Map<Budget, RateLimiterPostgres>>;
};
const limiters = (globalForLimits.__rateLimiters ??= new Map());
const shared = (globalForLimits.__sharedRateLimiters ??= new WeakMap());

function memoryLimiter(budget: Budget): RateLimiterMemory {
  let existing = limiters.get(budget);
  if (!existing) {
    existing = new RateLimiterMemory({ points: config().rateLimitsPerMinute[budget], duration: 60 });
    limiters.set(budget, existing);
  }
  return existing;
}

/**
 * With DATABASE_URL the budgets live in PostgreSQL (table rate_limits), so every instance spends the same ones.
 * The in-memory limiter is their insurance: while PostgreSQL cannot be reached, each instance keeps limiting on
 * its own rather than answering 503 (or 500). Budgets protect against bursts; a per-instance budget for the
 * length of an outage is a smaller loss than refusing sign-in and uploads that may not need the database.
 */
async function limiter(budget: Budget): Promise<Limiter> {
  if (!config().databaseUrl) return memoryLimiter(budget);
  const pool = await store().then(
    (opened) => opened.pgPool,
    () => null,
  );
  if (!pool) return memoryLimiter(budget);
  let byBudget = shared.get(pool);
  if (!byBudget) shared.set(pool, (byBudget = new Map()));
  let existing = byBudget.get(budget);
  if (!existing) {
    existing = new RateLimiterPostgres({
      storeClient: pool,
      storeType: "pool",
      // One table for every budget (its keys name the budget): the limiter's statements are prepared by name.
      tableName: "rate_limits",
      tableCreated: true,
      points: config().rateLimitsPerMinute[budget],
      duration: 60,
      insuranceLimiter: memoryLimiter(budget),
    });
    byBudget.set(budget, existing);
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
    await (await limiter(budget)).consume(`${budget}:${clientKey(request)}`);
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
