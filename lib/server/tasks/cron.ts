import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { config } from "../config";
import { errorResponse } from "../http/api-response";

const digest = (value: string) => createHash("sha256").update(value).digest();

/**
 * Why a call to POST /api/cron/advance may not run, or null when it may: with CRON_SECRET unset the route
 * answers as any unknown address does (not_found); otherwise `Authorization: Bearer <CRON_SECRET>` is required
 * (cron_secret_wrong). Both sides are hashed first, so the comparison takes the same time whatever was sent.
 */
export function cronRefusal(request: Request): Response | null {
  const secret = config().cronSecret;
  if (!secret) return errorResponse("not_found");
  const sent = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "";
  return timingSafeEqual(digest(sent), digest(secret)) ? null : errorResponse("cron_secret_wrong");
}
