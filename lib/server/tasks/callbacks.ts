import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { config } from "../config";
import { CALLBACK_PATH, CALLBACK_TOKEN_PATTERN } from "../evolink/public-base-url";
import { log } from "../log";
import { taskIdForCallbackToken } from "../store/submissions";
import { findTask } from "../store/tasks";
import { refreshTaskNow } from "./refresh";
import type { TaskPhase } from "../../evolink/contract";

/** Well inside the upstream's 10 s per-attempt window (CONTRACT.md, "Callbacks"). */
const ANSWER_WITHIN_MS = 5_000;

/** The only field of a callback body the studio reads: the rest is unsigned and never trusted. */
export const callbackBodySchema = z.object({ id: z.string().max(200) });

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * A fresh callback for one submission: the URL to send upstream, carrying an unguessable token
 * (256 bits), and the token's hash to store. Null when PUBLIC_BASE_URL is unset (polling only).
 */
export function newCallback(): { url: string; tokenHash: string } | null {
  const base = config().publicBaseUrl;
  if (!base) return null;
  const token = randomBytes(32).toString("base64url");
  return { url: `${base}${CALLBACK_PATH}${token}`, tokenHash: hashToken(token) };
}

/**
 * The task a callback token was issued for, or undefined for a malformed, forged or unused one. Only
 * hashes are stored and looked up, so neither a database leak nor the lookup's timing reveals a token.
 */
export async function callbackTaskId(token: string): Promise<string | undefined> {
  if (!CALLBACK_TOKEN_PATTERN.test(token)) return undefined;
  const taskId = await taskIdForCallbackToken(hashToken(token));
  return taskId && (await findTask(taskId)) ? taskId : undefined;
}

/**
 * Acts on a genuine callback for `taskId`: an immediate authoritative refresh from the upstream through
 * the same single-flight path polling uses (which updates the store and starts the archiver). Returns
 * the phase the refresh saw, or null when it has not finished within `answerWithinMs` or failed: it
 * then carries on (or polling catches up), and the upstream is not held waiting either way.
 */
export async function refreshFromCallback(
  taskId: string,
  answerWithinMs = ANSWER_WITHIN_MS,
): Promise<TaskPhase | null> {
  const refresh = refreshTaskNow(taskId).then(
    (view) => view?.phase ?? null,
    (error: unknown) => {
      log().warn(
        { taskId, error: error instanceof Error ? error.message : String(error) },
        "a callback's refresh failed; polling will catch up",
      );
      return null;
    },
  );
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), answerWithinMs);
    timer.unref();
  });
  try {
    return await Promise.race([refresh, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
