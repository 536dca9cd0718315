import { randomInt } from "node:crypto";
import { STALL_AT, STALL_SPAN, scenarioEnding, type ScenarioName, type TaskError } from "./scenarios";
import type { AspectRatio, CreateRequest, Quality } from "./validate";

export interface Task {
  id: string;
  /** Unix seconds, also embedded in the id. */
  created: number;
  createdAtMs: number;
  duration: number;
  aspectRatio: AspectRatio;
  quality: Quality;
  scenario: ScenarioName | null;
  /** Authenticated GET /v1/tasks/{id} calls so far (drives poll scenarios). */
  gets: number;
  /** Where to POST the finished task (CONTRACT.md, "Callbacks"), or null. */
  callbackUrl: string | null;
}

export type TaskPhase =
  | { status: "pending" | "processing"; progress: number }
  | { status: "completed"; progress: 100 }
  | { status: "failed" | "cancelled"; progress: number; error?: TaskError };

const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomSuffix(): string {
  let out = "";
  for (let i = 0; i < 8; i++) out += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return out;
}

export class TaskStore {
  private readonly tasks = new Map<string, Task>();

  create(request: CreateRequest, scenario: ScenarioName | null, nowMs: number): Task {
    const created = Math.floor(nowMs / 1000);
    let id: string;
    do id = `task-unified-${created}-${randomSuffix()}`;
    while (this.tasks.has(id));
    const task: Task = {
      id,
      created,
      createdAtMs: nowMs,
      duration: request.duration,
      aspectRatio: request.aspectRatio,
      quality: request.quality,
      scenario,
      gets: 0,
      callbackUrl: request.callbackUrl,
    };
    this.tasks.set(id, task);
    return task;
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  clear(): void {
    this.tasks.clear();
  }
}

/** Fraction of taskSeconds at which the task completes ("stall" adds its frozen span). */
function completionPoint(task: Task): number {
  return task.scenario === "stall" ? 1 + STALL_SPAN : 1;
}

export function completedAtMs(task: Task, taskSeconds: number): number {
  return task.createdAtMs + completionPoint(task) * taskSeconds * 1000;
}

/** When the task reaches its final status: completion, or a scenario's scripted end. */
export function finishedAtMs(task: Task, taskSeconds: number): number {
  const ending = scenarioEnding(task.scenario);
  return ending ? task.createdAtMs + ending.at * taskSeconds * 1000 : completedAtMs(task, taskSeconds);
}

export function resultExpiresAtMs(task: Task, taskSeconds: number, resultTtlSeconds: number): number {
  return completedAtMs(task, taskSeconds) + resultTtlSeconds * 1000;
}

/** State as a pure function of elapsed time: t = elapsed / taskSeconds. */
export function taskPhase(task: Task, nowMs: number, taskSeconds: number): TaskPhase {
  let t = (nowMs - task.createdAtMs) / (taskSeconds * 1000);
  if (task.scenario === "stall" && t >= STALL_AT) t = Math.max(STALL_AT, t - STALL_SPAN);
  const ending = scenarioEnding(task.scenario);
  if (ending && t >= ending.at) {
    const progress = Math.floor(ending.at * 100);
    return ending.error
      ? { status: ending.status, progress, error: ending.error }
      : { status: ending.status, progress };
  }
  if (t < 0.1) return { status: "pending", progress: 0 };
  if (t < 1) return { status: "processing", progress: Math.min(99, Math.max(1, Math.floor(t * 100))) };
  return { status: "completed", progress: 100 };
}
