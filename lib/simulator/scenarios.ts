import { INTERNAL_ERROR, badRequest, errorBody, type HttpError } from "./errors";

/** Scenarios are chosen by a `[sim:NAME]` tag anywhere in the prompt; the first known tag wins. */
export const SIMULATOR_SCENARIOS = [
  { name: "content-policy", description: "Task fails past ~40% with content_policy_violation." },
  { name: "invalid-parameters", description: "Task fails at ~10% with invalid_parameters (duration message)." },
  { name: "service-error", description: "Task fails at ~60% with service_error (retry in 30-60 s)." },
  { name: "rate-limit", description: "Create answers 429 rate_limit_exceeded; no task is created." },
  { name: "poll-rate-limit", description: "The first 2 status polls answer 429 (evo_api_error), then normal." },
  { name: "no-channel", description: "Create answers 503 service_unavailable (no available channel)." },
  { name: "server-error", description: "Create answers 500 internal_error." },
  { name: "poll-server-error", description: "The first 2 status polls answer 500 internal_error, then normal." },
  { name: "insufficient-quota", description: "Create answers 402 insufficient_quota." },
  { name: "model-denied", description: "Create answers 403 model_access_denied." },
  { name: "legacy-error", description: "Create answers 503 in the legacy envelope (integer error.code)." },
  {
    name: "third-refused",
    description: "Every third create with the same prompt answers 402 insufficient_quota (a refused variant).",
  },
  { name: "slow", description: "Create and status responses for the task are delayed by slowMs." },
  { name: "malformed", description: "The first status poll answers 200 with truncated JSON." },
  { name: "cancelled", description: "Task ends with the undocumented status cancelled at ~50%." },
  { name: "stall", description: "Progress freezes at 42% for 10x taskSeconds, then resumes and completes." },
  { name: "extra-keys", description: "Bodies carry unknown extra keys (usage.estimated_cost, result_data, trace_id)." },
  { name: "result-data-only", description: "Completed task has no results, only result_data[].video_url." },
  {
    name: "create-timeout",
    description: "The task is created, but no response comes: the connection is held silent for hangMs, then dropped.",
  },
  { name: "create-reset", description: "The task is created, then the connection is reset before any response." },
  { name: "bad-gateway", description: "The task is created, but a gateway answers 502 with an HTML page instead." },
  {
    name: "poll-timeout",
    description: "The first 4 status polls get no answer (held for hangMs, then dropped), then normal.",
  },
  { name: "poll-reset", description: "The first 4 status polls have their connection reset, then normal." },
  {
    name: "poll-truncated",
    description: "The first 4 status polls declare the full Content-Length, send half the body and reset, then normal.",
  },
  {
    name: "poll-bad-gateway",
    description: "The first 4 status polls answer 502 with a gateway's HTML page, then normal.",
  },
  {
    name: "poll-rate-limit-burst",
    description: "The first 4 status polls answer 429 with Retry-After: 1, then normal.",
  },
  {
    name: "echo-key",
    description: "Create answers 400 invalid_request with a message that repeats the caller's API key.",
  },
  {
    name: "no-element-id",
    description:
      "An element creation completes with result_data but no element_id in it (put the tag in the description).",
  },
  {
    name: "numeric-element-id",
    description: "An element creation completes with element_id as a number, the docs' shape before 2026-03-16.",
  },
  {
    name: "echo-key-task",
    description: "Task fails at ~10% with invalid_parameters and a message that repeats the API key.",
  },
] as const satisfies readonly { name: string; description: string }[];

export type ScenarioName = (typeof SIMULATOR_SCENARIOS)[number]["name"];

const NAMES: ReadonlySet<string> = new Set(SIMULATOR_SCENARIOS.map((s) => s.name));

function isScenarioName(name: string): name is ScenarioName {
  return NAMES.has(name);
}

export function parseScenario(prompt: string): ScenarioName | null {
  for (const match of prompt.matchAll(/\[sim:([a-z0-9-]+)\]/gi)) {
    const name = match[1]?.toLowerCase() ?? "";
    if (isScenarioName(name)) return name;
  }
  return null;
}

/** Create-time refusals: answered instead of creating a task. */
const CREATE_ERRORS: Partial<Record<ScenarioName, HttpError>> = {
  "rate-limit": {
    status: 429,
    body: errorBody("rate_limit_exceeded", "Too many requests, please try again later", "rate_limit_error"),
  },
  "no-channel": {
    status: 503,
    body: errorBody("service_unavailable", "No available channel for the requested model", "api_error"),
  },
  "server-error": INTERNAL_ERROR,
  "insufficient-quota": {
    status: 402,
    body: errorBody("insufficient_quota", "Insufficient quota. Please top up your account.", "insufficient_quota"),
  },
  "model-denied": {
    status: 403,
    body: errorBody(
      "model_access_denied",
      "Token does not have access to model: kling-o3-reference-to-video",
      "invalid_request_error",
    ),
  },
  "legacy-error": {
    status: 503,
    body: {
      error: {
        code: 503,
        message: "Service temporarily unavailable",
        type: "service_unavailable_error",
        fallback_suggestion: "retry after 60 seconds",
      },
    },
  },
};

/** Stands for the caller's API key in scripted messages; see withEchoedKey. */
const ECHOED_KEY = "{api_key}";

/**
 * A careless upstream repeating the caller's credentials in its words: the studio must never pass them
 * on. `apiKey` replaces the placeholder in a scripted message.
 */
export function withEchoedKey(message: string, apiKey: string): string {
  return message.replaceAll(ECHOED_KEY, apiKey);
}

/** `earlier`: creates with the same prompt received before this one. */
export function createScenarioError(scenario: ScenarioName | null, apiKey: string, earlier = 0): HttpError | null {
  if (scenario === "third-refused") return earlier % 3 === 2 ? (CREATE_ERRORS["insufficient-quota"] ?? null) : null;
  if (scenario === "echo-key") {
    return badRequest(
      "invalid_request",
      withEchoedKey(`Invalid request for token Bearer ${ECHOED_KEY} (key ${ECHOED_KEY})`, apiKey),
    );
  }
  return (scenario && CREATE_ERRORS[scenario]) ?? null;
}

// The studio tries each task read 3 times, so 4 failures in a row make at least one of its reads fail
// outright and reach the browser.
const POLL_BURST = 4;

/** Transient poll failures: the first `count` GETs of the task answer this error. */
const POLL_ERRORS: Partial<Record<ScenarioName, HttpError & { count: number }>> = {
  "poll-rate-limit": {
    count: 2,
    status: 429,
    body: errorBody("rate_limit_exceeded", "Rate limit exceeded", "evo_api_error"),
  },
  "poll-server-error": {
    count: 2,
    status: 500,
    body: errorBody("internal_error", "Failed to retrieve task status", "api_error"),
  },
  "poll-rate-limit-burst": {
    count: POLL_BURST,
    status: 429,
    body: errorBody("rate_limit_exceeded", "Rate limit exceeded", "evo_api_error"),
    headers: { "Retry-After": "1" },
  },
};

/** `getNumber` is 1-based: the n-th GET of this task. */
export function pollScenarioError(scenario: ScenarioName | null, getNumber: number): HttpError | null {
  const failure = scenario ? POLL_ERRORS[scenario] : undefined;
  if (!failure || getNumber > failure.count) return null;
  const { status, body, headers } = failure;
  return { status, body, headers };
}

/**
 * Failures below the API, as a dead link, a dropped connection or a broken proxy shows them: `hang`
 * (no answer for hangMs, then dropped), `reset` (TCP reset, no byte sent), `truncate` (half a body
 * under a full Content-Length, then reset), `bad-gateway` (a proxy's 502 HTML page).
 */
export type TransportFault = "hang" | "reset" | "truncate" | "bad-gateway";

/** Applied after the task was created, so the client cannot know whether it exists. */
const CREATE_FAULTS: Partial<Record<ScenarioName, TransportFault>> = {
  "create-timeout": "hang",
  "create-reset": "reset",
  "bad-gateway": "bad-gateway",
};

const POLL_FAULTS: Partial<Record<ScenarioName, TransportFault>> = {
  "poll-timeout": "hang",
  "poll-reset": "reset",
  "poll-truncated": "truncate",
  "poll-bad-gateway": "bad-gateway",
};

export function createFault(scenario: ScenarioName | null): TransportFault | null {
  return (scenario && CREATE_FAULTS[scenario]) ?? null;
}

/** `getNumber` is 1-based, as for pollScenarioError. */
export function pollFault(scenario: ScenarioName | null, getNumber: number): TransportFault | null {
  const fault = scenario ? POLL_FAULTS[scenario] : undefined;
  return fault && getNumber <= POLL_BURST ? fault : null;
}

export interface TaskError {
  code: string;
  message: string;
  type: "task_error";
}

/** A scripted end before completion, at fraction `at` of taskSeconds. */
export interface ScenarioEnding {
  at: number;
  status: "failed" | "cancelled";
  error?: TaskError;
}

const ENDINGS: Partial<Record<ScenarioName, ScenarioEnding>> = {
  "content-policy": {
    at: 0.4,
    status: "failed",
    error: {
      code: "content_policy_violation",
      message: "Content policy violation.\nYour request was blocked by safety filters.",
      type: "task_error",
    },
  },
  "invalid-parameters": {
    at: 0.1,
    status: "failed",
    error: {
      code: "invalid_parameters",
      message: "Video duration must be between 3 and 10 seconds",
      type: "task_error",
    },
  },
  "service-error": {
    at: 0.6,
    status: "failed",
    error: {
      code: "service_error",
      message: "The generation service hit an error. Please retry in 30-60 seconds.",
      type: "task_error",
    },
  },
  cancelled: { at: 0.5, status: "cancelled" },
  "echo-key-task": {
    at: 0.1,
    status: "failed",
    error: { code: "invalid_parameters", message: `Parameters rejected for API key ${ECHOED_KEY}`, type: "task_error" },
  },
};

export function scenarioEnding(scenario: ScenarioName | null): ScenarioEnding | null {
  return (scenario && ENDINGS[scenario]) ?? null;
}

/** "stall": progress freezes at STALL_AT (fraction) for STALL_SPAN × taskSeconds. */
export const STALL_AT = 0.42;
export const STALL_SPAN = 10;
