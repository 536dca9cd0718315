import "server-only";
import { resolveErrorCode, studioError, type ErrorCode, type StudioErrorBody } from "../errors";
import type { UpstreamTask } from "../evolink/schemas";
import { scrubSecrets } from "./scrub-secrets";

/**
 * A failure Evolink reported, carrying what it said apart from the studio's words, so the page can tell
 * them apart. Its words are scrubbed here again, the last step before they are stored or sent.
 */
export function upstreamFailure(code: ErrorCode, upstreamMessage: string | undefined): StudioErrorBody {
  const said = scrubSecrets(upstreamMessage);
  return { ...studioError(code), ...(said ? { upstreamMessage: said } : {}) };
}

/** Why a task the upstream ended without success failed: its own error, or what its status says. */
export function taskFailure(upstream: UpstreamTask): StudioErrorBody {
  if (upstream.error) return upstreamFailure(resolveErrorCode(upstream.error.code), upstream.error.message);
  const cancelled = ["cancelled", "canceled", "expired"].includes(upstream.status);
  return studioError(cancelled ? "task_cancelled" : "unknown_status", `Upstream status: ${upstream.status}`);
}
