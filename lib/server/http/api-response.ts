import "server-only";
import { ERROR_CATALOG, studioError, type ErrorCode, type StudioErrorBody } from "../../errors";
import { upstreamFailure } from "../upstream-failure";
import { UpstreamError } from "../evolink/upstream-error";
import { currentRequestId, log } from "../log";
import { storeUnavailable } from "../store/engines";

/** A catalog error, carrying the request id (when inside a request) so a person can quote it. */
export function errorResponse(
  code: ErrorCode,
  options: { detail?: string; fields?: Record<string, string>; headers?: HeadersInit } = {},
): Response {
  return catalogResponse(studioError(code, options.detail, options.fields), options.headers);
}

function catalogResponse(body: StudioErrorBody, headers?: HeadersInit): Response {
  const requestId = currentRequestId();
  return Response.json(
    { error: { ...body, ...(requestId ? { requestId } : {}) } },
    { status: ERROR_CATALOG[body.code].status, headers: { "Cache-Control": "no-store", ...headers } },
  );
}

/** Upstream failures become catalog errors; anything else is a bug, logged with its stack and answered without internals. */
export function failureResponse(error: unknown): Response {
  if (error instanceof UpstreamError) {
    log().warn({ code: error.code, upstreamStatus: error.httpStatus }, "upstream failure answered");
    const retryAfter = error.retryAfterMs ? { "Retry-After": String(Math.ceil(error.retryAfterMs / 1000)) } : undefined;
    return catalogResponse(upstreamFailure(error.code, error.upstreamMessage), retryAfter);
  }
  if (storeUnavailable(error)) {
    log().warn({ err: error }, "the database could not be reached; answered 503");
    return catalogResponse(studioError("database_unavailable"), { "Retry-After": "10" });
  }
  log().error({ err: error }, "unexpected error in an API route");
  const requestId = currentRequestId();
  return Response.json(
    {
      error: {
        code: "internal",
        message: "Something went wrong in the studio.",
        action: "Try again.",
        retryable: true,
        ...(requestId ? { requestId } : {}),
      },
    },
    { status: 500, headers: { "Cache-Control": "no-store" } },
  );
}

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response };

/** Reads a JSON body of at most `maxBytes`, counting bytes as they stream so a lying Content-Length cannot help. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<JsonBody> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) return { ok: false, response: errorResponse("unsupported_media_type") };
  const declared = Number(request.headers.get("content-length"));
  const tooLarge = {
    ok: false as const,
    response: errorResponse("payload_too_large", { detail: `Limit: ${maxBytes} bytes.` }),
  };
  if (declared > maxBytes) return tooLarge;
  if (!request.body) return { ok: false, response: errorResponse("invalid_json", { detail: "The body is empty." }) };

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      return tooLarge;
    }
    chunks.push(value);
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks).toString("utf8")) };
  } catch {
    return { ok: false, response: errorResponse("invalid_json") };
  }
}
