import { randomBytes } from "node:crypto";
import { withEchoedKey } from "./scenarios";
import type { Task, TaskPhase } from "./tasks";
import { MODEL, PRICE_PER_SECOND as PRICES } from "../evolink/contract";
import { ELEMENT_LIMITS, ELEMENT_MODEL } from "../evolink/element-contract";

const round4 = (n: number): number => Math.round(n * 10_000) / 10_000;

/** What a task reserves: an element one credit per request (CONTRACT.md, "Elements"), a video its seconds' price. */
export function reservedCredits(task: Task): number {
  return task.kind === "element" ? ELEMENT_LIMITS.credits : round4(PRICES[task.quality].credits * task.duration);
}

function usage(task: Task): Record<string, unknown> {
  if (task.kind === "element") {
    return { billing_rule: "per_call", credits_reserved: reservedCredits(task), user_group: "default" };
  }
  const price = PRICES[task.quality];
  const base: Record<string, unknown> = {
    billing_rule: "per_second",
    credits_reserved: reservedCredits(task),
    user_group: "default",
  };
  // "extra-keys": older quickstarts showed usage.estimated_cost (USD); clients must tolerate it.
  if (task.scenario === "extra-keys") base.estimated_cost = round4(price.usd * task.duration);
  return base;
}

function withExtraKeys(task: Task, body: Record<string, unknown>): Record<string, unknown> {
  if (task.scenario !== "extra-keys") return body;
  return { ...body, result_data: body.result_data ?? [], trace_id: randomBytes(8).toString("hex") };
}

const modelOf = (task: Task) => (task.kind === "element" ? ELEMENT_MODEL : MODEL);

/** "result_data contains element_id" is all the docs say; one entry carrying it is our reading (CONTRACT.md, "Elements"). */
function elementResult(task: Task): Record<string, unknown> {
  if (task.scenario === "no-element-id") return { status: "succeeded" };
  const id = task.scenario === "numeric-element-id" ? Number(task.elementId) : task.elementId;
  return { element_id: id };
}

export function createBody(task: Task, taskSeconds: number): Record<string, unknown> {
  return withExtraKeys(task, {
    created: task.created,
    id: task.id,
    model: modelOf(task),
    object: "video.generation.task",
    progress: 0,
    status: "pending",
    task_info: {
      can_cancel: true,
      estimated_time: Math.ceil(taskSeconds * task.timeScale),
      ...(task.kind === "video" ? { video_duration: task.duration } : {}),
    },
    type: "video",
    usage: usage(task),
  });
}

/** GET /v1/tasks/{id} body; `resultUrl` is only used once the phase is completed, `apiKey` by echo scenarios. */
export function taskBody(task: Task, phase: TaskPhase, resultUrl: string, apiKey: string): Record<string, unknown> {
  const body: Record<string, unknown> = {
    created: task.created,
    id: task.id,
    model: modelOf(task),
    object: "video.generation.task",
    progress: phase.progress,
    status: phase.status,
  };
  if (phase.status === "completed" && task.kind === "element") {
    body.result_data = [elementResult(task)];
  } else if (phase.status === "completed") {
    if (task.scenario !== "result-data-only") body.results = [resultUrl];
    if (task.scenario === "result-data-only" || task.scenario === "extra-keys") {
      body.result_data = [{ video_url: resultUrl, duration: task.duration }];
    }
  }
  if ("error" in phase && phase.error)
    body.error = { ...phase.error, message: withEchoedKey(phase.error.message, apiKey) };
  const finished = phase.status !== "pending" && phase.status !== "processing";
  body.task_info = { can_cancel: !finished };
  body.type = "video";
  body.usage = usage(task);
  return withExtraKeys(task, body);
}
