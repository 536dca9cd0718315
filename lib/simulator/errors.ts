/** Current upstream error envelope (since 2026-03-06): string code, message, type, optional param. */
export interface ErrorEnvelope {
  error: { code: string; message: string; type: string; param?: string };
}

export interface HttpError {
  status: number;
  body: unknown;
}

export function errorBody(code: string, message: string, type: string, param?: string): ErrorEnvelope {
  return { error: param === undefined ? { code, message, type } : { code, message, type, param } };
}

export function badRequest(code: string, message: string, param?: string): HttpError {
  return { status: 400, body: errorBody(code, message, "invalid_request_error", param) };
}

/** Create says "Invalid or expired token"; GET task says "Authentication required" (docs §5). */
export function unauthorized(message: string): HttpError {
  return { status: 401, body: errorBody("unauthorized", message, "authentication_error") };
}

export const INVALID_TASK_ID: HttpError = badRequest(
  "invalid_task_id",
  "Invalid task ID format, must start with 'task-unified-'",
  "task_id",
);

export const TASK_NOT_FOUND: HttpError = {
  status: 404,
  body: errorBody("task_not_found", "The requested task could not be found", "invalid_request_error"),
};

export const ROUTE_NOT_FOUND: HttpError = {
  status: 404,
  body: errorBody("not_found", "The requested resource was not found", "invalid_request_error"),
};

export const REQUEST_TOO_LARGE: HttpError = {
  status: 413,
  body: errorBody("request_too_large", "Request body exceeds the 1 MB limit", "invalid_request_error"),
};

export const INTERNAL_ERROR: HttpError = {
  status: 500,
  body: errorBody("internal_error", "Internal server error", "api_error"),
};
