/** Current upstream error envelope (since 2026-03-06): string code, message, type, optional param. */
export interface ErrorEnvelope {
  error: { code: string; message: string; type: string; param?: string };
}

export interface HttpError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function errorBody(code: string, message: string, type: string, param?: string): ErrorEnvelope {
  return { error: param === undefined ? { code, message, type } : { code, message, type, param } };
}

export function badRequest(code: string, message: string, param?: string): HttpError {
  return { status: 400, body: errorBody(code, message, "invalid_request_error", param) };
}

/** Create says "Invalid or expired token"; GET task says "Authentication required" (CONTRACT.md, "Errors"). */
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

/** The file service's own envelope (codes from EvoLink's MCP client; the docs document none: CONTRACT.md, "File service"). */
export function fileError(status: number, code: number, msg: string): HttpError {
  return { status, body: { success: false, code, msg } };
}

export const FILE_UNAUTHORIZED: HttpError = fileError(401, 401, "Invalid or expired token");
export const FILE_TYPE_NOT_ALLOWED: HttpError = fileError(400, 40002, "File type not allowed");
/** Sent with HTTP 200, so clients must check `success` as well as the status (CONTRACT.md, "File service"). */
export const FILE_QUOTA_EXCEEDED: HttpError = fileError(200, 40003, "File quota exceeded");
export const FILE_STORAGE_ERROR: HttpError = fileError(500, 50001, "Storage service error");
export const FILE_NOT_FOUND: HttpError = fileError(404, 404, "File not found");

export function fileTooLarge(maxBytes: number): HttpError {
  const mb = maxBytes / (1024 * 1024);
  const limit = Number.isInteger(mb) ? `${mb}MB` : `${Math.round(maxBytes / 1024)}KB`;
  return fileError(413, 40001, `File size exceeds the limit of ${limit}`);
}
