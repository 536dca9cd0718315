import "server-only";
import { randomUUID } from "node:crypto";
import { failureResponse } from "./api-response";
import { log, withLogContext } from "../log";

/** A caller's own X-Request-Id is kept only when it is this plain, so it cannot forge or break log lines. */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{8,64}$/;

export function requestIdFor(request: Request): string {
  const incoming = request.headers.get("x-request-id");
  return incoming && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
}

// A callback's path carries its task's token, a credential: only its hash is kept, so logs never see it.
const CALLBACK_TOKEN_SEGMENT = /(\/api\/webhooks\/evolink\/)[^/]*/g;

/** The path as the access line records it: without the query, and with callback tokens redacted. */
export function loggedPath(url: string): string {
  return new URL(url).pathname.replace(CALLBACK_TOKEN_SEGMENT, "$1[redacted]");
}

// The rest parameter keeps each handler's own signature: with or without the route's params.
type Handler<Rest extends unknown[]> = (request: Request, ...rest: Rest) => Response | Promise<Response>;

/**
 * Wraps every API route handler: a request id that everything the handler calls logs with, echoed in
 * X-Request-Id (and, through errorResponse, in error bodies); one access line per request; and any
 * error the handler throws answered as a 500 without internals.
 */
export function apiRoute<Rest extends unknown[]>(
  handler: Handler<Rest>,
): (request: Request, ...rest: Rest) => Promise<Response> {
  return (request, ...rest) => {
    const requestId = requestIdFor(request);
    return withLogContext({ requestId }, async () => {
      const startedAt = performance.now();
      let response: Response;
      try {
        response = await handler(request, ...rest);
      } catch (error) {
        response = failureResponse(error);
      }
      response = withHeader(response, "X-Request-Id", requestId);
      // Time to the response head: a streamed body (a video) may keep flowing after this line.
      const line = {
        method: request.method,
        path: loggedPath(request.url),
        status: response.status,
        durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
      };
      // A 500 is the studio's own failure; other 5xx relay the upstream's, already logged as a warning.
      if (response.status === 500) log().error(line, "request");
      else log().info(line, "request");
      return response;
    });
  };
}

/** Responses built from another fetch have immutable headers; those get a copy with the header added. */
function withHeader(response: Response, name: string, value: string): Response {
  try {
    response.headers.set(name, value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.set(name, value);
    return copy;
  }
}
