import { describe, expect, it } from "vitest";
import { failureResponse } from "@/lib/server/http/api-response";
import { ERROR_CATALOG, isKnownCode, resolveErrorCode, studioError, type ErrorCode } from "@/lib/errors";
import { upstreamFailure } from "@/lib/server/upstream-failure";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";

const entries = Object.entries(ERROR_CATALOG) as [ErrorCode, (typeof ERROR_CATALOG)[ErrorCode]][];

describe("ERROR_CATALOG", () => {
  it("is not empty", () => {
    expect(entries.length).toBeGreaterThan(20);
  });

  it.each(entries)("%s has a title, an action, a retryable flag and a 4xx/5xx status", (_code, entry) => {
    expect(entry.title.trim()).not.toBe("");
    expect(entry.action.trim()).not.toBe("");
    expect(typeof entry.retryable).toBe("boolean");
    expect(Number.isInteger(entry.status)).toBe(true);
    expect(entry.status).toBeGreaterThanOrEqual(400);
    expect(entry.status).toBeLessThanOrEqual(599);
  });

  it("uses the exact wording the product spec requires for a rejected key", () => {
    expect(ERROR_CATALOG.unauthorized.title).toBe("The server's Evolink API key was rejected.");
    expect(ERROR_CATALOG.unauthorized.retryable).toBe(false);
  });

  it("never tells people to simply retry a create whose outcome is unknown", () => {
    expect(ERROR_CATALOG.create_outcome_unknown.retryable).toBe(false);
  });

  it.each<[ErrorCode, boolean]>([
    ["rate_limit_exceeded", true],
    ["service_unavailable", true],
    ["internal_error", true],
    ["upstream_unreachable", true],
    ["upstream_malformed", true],
    ["insufficient_quota", false],
    ["model_access_denied", false],
    ["content_policy_violation", false],
    ["invalid_request", false],
  ])("%s retryable = %s", (code, retryable) => {
    expect(ERROR_CATALOG[code].retryable).toBe(retryable);
  });
});

describe("resolveErrorCode: documented string codes map to themselves", () => {
  // CONTRACT.md, "Errors": create, task-level and GET task codes.
  const create = [
    "invalid_request",
    "unauthorized",
    "insufficient_quota",
    "model_access_denied",
    "rate_limit_exceeded",
    "internal_error",
    "invalid_parameter",
    "missing_required_params",
    "missing_text",
    "video_probe_failed",
    "service_unavailable",
    "upstream_error",
  ];
  const taskLevel = [
    "content_policy_violation",
    "invalid_parameters",
    "image_processing_error",
    "image_dimension_mismatch",
    "request_cancelled",
    "generation_failed_no_content",
    "service_error",
    "generation_timeout",
    "resource_exhausted",
    "quota_exceeded",
    "service_unavailable",
    "resource_not_found",
    "unknown_error",
    "model_unavailable",
    "upstream_error",
    "rate_limited",
  ];
  const getTask = [
    "invalid_task_id",
    "unauthorized",
    "quota_exceeded",
    "permission_denied",
    "task_not_found",
    "rate_limit_exceeded",
    "internal_error",
  ];

  it.each([...new Set([...create, ...taskLevel, ...getTask])])("%s", (code) => {
    expect(isKnownCode(code)).toBe(true);
    expect(resolveErrorCode(code)).toBe(code);
    // A known string code wins over whatever the HTTP status would suggest.
    expect(resolveErrorCode(code, code === "internal_error" ? 400 : 500)).toBe(code);
  });
});

describe("resolveErrorCode: legacy integer codes", () => {
  it.each<[number, ErrorCode]>([
    [400, "invalid_request"],
    [401, "unauthorized"],
    [402, "insufficient_quota"],
    [403, "model_access_denied"],
    [413, "request_too_large"],
    [429, "rate_limit_exceeded"],
    [500, "internal_error"],
    [502, "upstream_error"],
    [503, "service_unavailable"],
    [504, "upstream_timeout"],
  ])("%i → %s", (code, expected) => {
    expect(resolveErrorCode(code)).toBe(expected);
    expect(resolveErrorCode(code, code)).toBe(expected);
  });

  it.each<[string, ErrorCode]>([
    ["503", "service_unavailable"],
    ["401", "unauthorized"],
    ["429", "rate_limit_exceeded"],
  ])("numeric string %j → %s", (code, expected) => {
    expect(resolveErrorCode(code)).toBe(expected);
  });

  it("an unmapped integer code with a 5xx status is an internal error", () => {
    expect(resolveErrorCode(599, 599)).toBe("internal_error");
  });
});

describe("resolveErrorCode: unknown or missing codes", () => {
  it("an unknown string without a status is unknown_error", () => {
    expect(resolveErrorCode("totally_new_code")).toBe("unknown_error");
  });

  it("an unknown string with an unmapped 5xx status is internal_error", () => {
    expect(resolveErrorCode("totally_new_code", 500)).toBe("internal_error");
    expect(resolveErrorCode("totally_new_code", 599)).toBe("internal_error");
  });

  it("an unknown string with a mapped status falls back to the status", () => {
    expect(resolveErrorCode("totally_new_code", 503)).toBe("service_unavailable");
    expect(resolveErrorCode("totally_new_code", 401)).toBe("unauthorized");
    expect(resolveErrorCode("totally_new_code", 429)).toBe("rate_limit_exceeded");
  });

  it("an unknown string with an unmapped 4xx status is unknown_error", () => {
    expect(resolveErrorCode("totally_new_code", 418)).toBe("unknown_error");
  });

  it("no code at all falls back to the status, else unknown_error", () => {
    expect(resolveErrorCode(undefined, 502)).toBe("upstream_error");
    expect(resolveErrorCode(undefined, 520)).toBe("internal_error");
    expect(resolveErrorCode(undefined)).toBe("unknown_error");
    expect(resolveErrorCode(null)).toBe("unknown_error");
    expect(resolveErrorCode({ nested: true })).toBe("unknown_error");
  });

  it("does not treat inherited object keys as codes", () => {
    expect(isKnownCode("toString")).toBe(false);
    expect(isKnownCode("__proto__")).toBe(false);
    expect(resolveErrorCode("toString")).toBe("unknown_error");
    expect(resolveErrorCode("constructor", 503)).toBe("service_unavailable");
  });
});

describe("studioError", () => {
  it("builds the body from the catalog entry", () => {
    expect(studioError("rate_limit_exceeded")).toEqual({
      code: "rate_limit_exceeded",
      message: ERROR_CATALOG.rate_limit_exceeded.title,
      action: ERROR_CATALOG.rate_limit_exceeded.action,
      retryable: true,
    });
  });

  it("uses the exact rejected-key wording as the message for unauthorized, with Evolink's words apart", () => {
    const body = upstreamFailure("unauthorized", "Invalid or expired token");
    expect(body.message).toBe("The server's Evolink API key was rejected.");
    expect(body.retryable).toBe(false);
    expect(body.upstreamMessage).toBe("Invalid or expired token");
    expect(body).not.toHaveProperty("detail");
    expect(upstreamFailure("unauthorized", undefined)).not.toHaveProperty("upstreamMessage");
  });

  it("answers an upstream failure with Evolink's words apart from the studio's own", async () => {
    const response = failureResponse(new UpstreamError("insufficient_quota", "Your balance is 0 credits", 402));
    expect(response.status).toBe(402);
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error.upstreamMessage).toBe("Your balance is 0 credits");
    expect(error).not.toHaveProperty("detail");
  });

  it("includes detail and fields only when given", () => {
    const bare = studioError("validation_failed");
    expect(bare).not.toHaveProperty("detail");
    expect(bare).not.toHaveProperty("fields");
    expect(studioError("validation_failed", "")).not.toHaveProperty("detail");

    const full = studioError("validation_failed", "bad body", { prompt: "Write a prompt." });
    expect(full).toEqual({
      code: "validation_failed",
      message: "Some fields need attention.",
      action: "Fix the highlighted fields and try again.",
      retryable: false,
      detail: "bad body",
      fields: { prompt: "Write a prompt." },
    });
  });
});

describe("README", () => {
  it("documents every error a user can see", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const { ERROR_CATALOG: catalog } = await import("@/lib/errors");
    const missing = Object.keys(catalog).filter((code) => !readme.includes(`| \`${code}\` |`));
    expect(missing).toEqual([]);
  });
});
