import type { IncomingMessage, ServerResponse } from "node:http";
import { isAuthorized, type Context } from "./context";
import { sendJson } from "./http";
import { reservedCredits } from "./task-body";
import { taskPhase } from "./tasks";

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/**
 * Credits held by the tasks made so far: each reserves its price at create, and a failed or cancelled one
 * gives it back ("Failed tasks are not charged": CONTRACT.md, "Errors").
 */
function usedCredits(ctx: Context): number {
  let used = 0;
  for (const task of ctx.store.all()) {
    const { status } = taskPhase(task, ctx.now(), ctx.options.taskSeconds);
    if (status !== "failed" && status !== "cancelled") used += reservedCredits(task);
  }
  return round4(used);
}

/**
 * GET /v1/credits in the docs' shape (CONTRACT.md, "Balance"); its errors still use the legacy envelope, an
 * integer code equal to the HTTP status. The balance never goes below 0: the simulator does not refuse a
 * create for want of credits.
 */
export function handleCredits(req: IncomingMessage, res: ServerResponse, ctx: Context): void {
  if (!isAuthorized(req, ctx.options.apiKey)) {
    return sendJson(res, 401, {
      error: { code: 401, message: "Invalid or expired token", type: "authentication_error" },
    });
  }
  const used = usedCredits(ctx);
  const remaining = round4(Math.max(0, ctx.options.credits - used));
  sendJson(res, 200, {
    data: {
      token: { remaining_credits: remaining, unlimited_credits: true, used_credits: used },
      user: { remaining_credits: remaining, used_credits: used },
    },
    message: "",
    success: true,
  });
}
