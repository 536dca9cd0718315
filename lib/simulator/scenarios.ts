import { INTERNAL_ERROR, errorBody, type HttpError } from "./errors";

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
  { name: "slow", description: "Create and status responses for the task are delayed by slowMs." },
  { name: "malformed", description: "The first status poll answers 200 with truncated JSON." },
  { name: "cancelled", description: "Task ends with the undocumented status cancelled at ~50%." },
  { name: "stall", description: "Progress freezes at 42% for 10x taskSeconds, then resumes and completes." },
  { name: "extra-keys", description: "Bodies carry unknown extra keys (usage.estimated_cost, result_data, trace_id)." },
  { name: "result-data-only", description: "Completed task has no results, only result_data[].video_url." },
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

export function createScenarioError(scenario: ScenarioName | null): HttpError | null {
  return (scenario && CREATE_ERRORS[scenario]) ?? null;
}

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
};

/** `getNumber` is 1-based: the n-th GET of this task. */
export function pollScenarioError(scenario: ScenarioName | null, getNumber: number): HttpError | null {
  const failure = scenario ? POLL_ERRORS[scenario] : undefined;
  return failure && getNumber <= failure.count ? { status: failure.status, body: failure.body } : null;
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
    error: { code: "invalid_parameters", message: "Video duration must be between 3 and 10 seconds", type: "task_error" },
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
};

export function scenarioEnding(scenario: ScenarioName | null): ScenarioEnding | null {
  return (scenario && ENDINGS[scenario]) ?? null;
}

/** "stall": progress freezes at STALL_AT (fraction) for STALL_SPAN × taskSeconds. */
export const STALL_AT = 0.42;
export const STALL_SPAN = 10;
