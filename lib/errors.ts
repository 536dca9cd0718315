import { NUMERIC_ERROR_CODES } from "./evolink/contract";
import { ERROR_CATALOG, type ErrorCode } from "./error-catalog";

export { ERROR_CATALOG, type CatalogEntry, type ErrorCode } from "./error-catalog";

export function isKnownCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOG, code);
}

/** Maps an upstream `error.code` (string or legacy integer) and HTTP status to a catalog code. */
export function resolveErrorCode(code: unknown, httpStatus?: number): ErrorCode {
  if (typeof code === "string" && isKnownCode(code)) return code;
  const numeric = typeof code === "number" ? code : typeof code === "string" && /^\d+$/.test(code) ? Number(code) : NaN;
  const byCode = Number.isFinite(numeric) ? NUMERIC_ERROR_CODES[numeric] : undefined;
  const byStatus = byCode ?? NUMERIC_ERROR_CODES[httpStatus ?? 0];
  if (byStatus) return byStatus;
  if (httpStatus && httpStatus >= 500) return "internal_error";
  return "unknown_error";
}

/** What the studio's API sends to the browser for any failure. */
export interface StudioErrorBody {
  code: ErrorCode;
  message: string;
  action: string;
  retryable: boolean;
  /** The studio's own specifics: which limit, how long to wait, what exactly was refused. */
  detail?: string;
  /** Evolink's words, verbatim, when a failure came from Evolink and it said anything. */
  upstreamMessage?: string;
  fields?: Record<string, string>;
  /** The studio's id for the request that failed (also in the X-Request-Id header), to quote when asking for help. */
  requestId?: string;
}

export function studioError(code: ErrorCode, detail?: string, fields?: Record<string, string>): StudioErrorBody {
  const { title, action, retryable } = ERROR_CATALOG[code];
  return { code, message: title, action, retryable, ...(detail ? { detail } : {}), ...(fields ? { fields } : {}) };
}
