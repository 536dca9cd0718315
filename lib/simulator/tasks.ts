import { randomInt } from "node:crypto";
import {
  STALL_AT,
  STALL_SPAN,
  scenarioEnding,
  type ScenarioEnding,
  type ScenarioName,
  type TaskError,
} from "./scenarios";
import type { AspectRatio, CreateRequest, Quality } from "./validate";
import type { ElementCreateRequest } from "./validate-element";

/**
 * Element creation takes about 10 minutes upstream against a few for a video (CONTRACT.md, "Elements"); the
 * simulator keeps that ratio loosely, scaled by its task-time setting.
 */
export const ELEMENT_TIME_SCALE = 2;

export interface Task {
  id: string;
  /** `element`: a kling-custom-element task, which makes no video. */
  kind: "video" | "element";
  /** Unix seconds, also embedded in the id. */
  created: number;
  createdAtMs: number;
  /** Its length in units of taskSeconds. */
  timeScale: number;
  duration: number;
  aspectRatio: AspectRatio;
  quality: Quality;
  scenario: ScenarioName | null;
  /** A scripted end decided at create (a scenario's, or an element id this simulator never made). */
  ending: ScenarioEnding | null;
  /** The element this task makes, revealed once it completes. */
  elementId: string | null;
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

/**
 * Its ids are digit strings, as the docs' integer-then-string history suggests (our inference); 15 digits,
 * so the numeric-element-id scenario's number is exact.
 */
function newElementId(): string {
  return `${randomInt(1, 10)}${String(randomInt(0, 1e7)).padStart(7, "0")}${String(randomInt(0, 1e7)).padStart(7, "0")}`;
}

/** An element id reference-to-video was given that this simulator never made (our inference of the real answer). */
function unknownElementEnding(id: string): ScenarioEnding {
  return {
    at: 0.1,
    status: "failed",
    error: {
      code: "invalid_parameters",
      message: `element_id ${id} does not exist or is not ready`,
      type: "task_error",
    },
  };
}

export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private readonly elements = new Map<string, Task>();

  private newId(created: number): string {
    let id: string;
    do id = `task-unified-${created}-${randomSuffix()}`;
    while (this.tasks.has(id));
    return id;
  }

  create(request: CreateRequest, scenario: ScenarioName | null, nowMs: number, taskSeconds: number): Task {
    const created = Math.floor(nowMs / 1000);
    const unknown = request.elementIds.find((id) => !this.elementReady(id, nowMs, taskSeconds));
    const task: Task = {
      id: this.newId(created),
      kind: "video",
      created,
      createdAtMs: nowMs,
      timeScale: 1,
      duration: request.duration,
      aspectRatio: request.aspectRatio,
      quality: request.quality,
      scenario,
      ending: scenarioEnding(scenario) ?? (unknown === undefined ? null : unknownElementEnding(unknown)),
      elementId: null,
      gets: 0,
      callbackUrl: request.callbackUrl,
    };
    this.tasks.set(task.id, task);
    return task;
  }

  createElement(_request: ElementCreateRequest, scenario: ScenarioName | null, nowMs: number): Task {
    const created = Math.floor(nowMs / 1000);
    const task: Task = {
      id: this.newId(created),
      kind: "element",
      created,
      createdAtMs: nowMs,
      timeScale: ELEMENT_TIME_SCALE,
      duration: 0,
      aspectRatio: "16:9",
      quality: "720p",
      scenario,
      ending: scenarioEnding(scenario),
      elementId: newElementId(),
      gets: 0,
      callbackUrl: null,
    };
    this.tasks.set(task.id, task);
    this.elements.set(task.elementId!, task);
    return task;
  }

  /** Whether `elementId` names an element this simulator finished making by `nowMs`. */
  private elementReady(elementId: string, nowMs: number, taskSeconds: number): boolean {
    const task = this.elements.get(elementId);
    return Boolean(task && taskPhase(task, nowMs, taskSeconds).status === "completed");
  }

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  all(): IterableIterator<Task> {
    return this.tasks.values();
  }

  clear(): void {
    this.tasks.clear();
    this.elements.clear();
  }
}

/** Fraction of the task's time at which it completes ("stall" adds its frozen span). */
function completionPoint(task: Task): number {
  return task.scenario === "stall" ? 1 + STALL_SPAN : 1;
}

const spanMs = (task: Task, taskSeconds: number) => taskSeconds * task.timeScale * 1000;

export function completedAtMs(task: Task, taskSeconds: number): number {
  return task.createdAtMs + completionPoint(task) * spanMs(task, taskSeconds);
}

/** When the task reaches its final status: completion, or a scripted end. */
export function finishedAtMs(task: Task, taskSeconds: number): number {
  return task.ending ? task.createdAtMs + task.ending.at * spanMs(task, taskSeconds) : completedAtMs(task, taskSeconds);
}

export function resultExpiresAtMs(task: Task, taskSeconds: number, resultTtlSeconds: number): number {
  return completedAtMs(task, taskSeconds) + resultTtlSeconds * 1000;
}

/** State as a pure function of elapsed time: t = elapsed / (taskSeconds × the task's time scale). */
export function taskPhase(task: Task, nowMs: number, taskSeconds: number): TaskPhase {
  let t = (nowMs - task.createdAtMs) / spanMs(task, taskSeconds);
  if (task.scenario === "stall" && t >= STALL_AT) t = Math.max(STALL_AT, t - STALL_SPAN);
  const { ending } = task;
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
