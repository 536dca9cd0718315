import "server-only";
import { ERROR_CATALOG, type ErrorCode } from "../../errors";
import { scrubSecrets } from "../scrub-secrets";

const UPSTREAM_ERROR_BRAND = Symbol.for("kling-o3-studio.UpstreamError");

export class UpstreamError extends Error {
  readonly [UPSTREAM_ERROR_BRAND] = true;

  // Next bundles instrumentation (the background poller) apart from the routes, so one process can hold two
  // copies of this class, and a refresh the poller started can reject into a route that joined it.
  // `instanceof` therefore checks the brand, which both copies share.
  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[UPSTREAM_ERROR_BRAND] === true
    );
  }

  /** Evolink's words, with any configured secret it echoed (the key, say) already replaced. */
  readonly upstreamMessage: string | undefined;

  constructor(
    readonly code: ErrorCode,
    upstreamMessage: string | undefined,
    readonly httpStatus: number | undefined,
    readonly retryAfterMs: number | undefined = undefined,
  ) {
    const said = scrubSecrets(upstreamMessage);
    super(`${code}${said ? `: ${said}` : ""}`);
    this.name = "UpstreamError";
    this.upstreamMessage = said;
  }

  get retryable(): boolean {
    return ERROR_CATALOG[this.code].retryable;
  }
}
