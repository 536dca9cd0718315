import "server-only";
import { studioError, type ErrorCode, type StudioErrorBody } from "../errors";
import { scrubSecrets } from "./scrub-secrets";

/**
 * A failure Evolink reported, carrying what it said apart from the studio's words, so the page can tell
 * them apart. Its words are scrubbed here again, the last step before they are stored or sent.
 */
export function upstreamFailure(code: ErrorCode, upstreamMessage: string | undefined): StudioErrorBody {
  const said = scrubSecrets(upstreamMessage);
  return { ...studioError(code), ...(said ? { upstreamMessage: said } : {}) };
}
