/** The few studio and simulator calls the scenarios make, as a browser and a direct client would. */
import { randomUUID } from "node:crypto";
import type http from "node:http";
import { requestJson } from "./http";
import type { Simulator } from "./stack";

/** A public https URL the simulator never fetches (it only probes links on its own file host). */
export const REFERENCE_URL = "https://media.example.com/bench/reference.mp4";

/** Headers a same-origin browser fetch carries (the studio refuses cross-site state changes). */
export const BROWSER_HEADERS = { "Sec-Fetch-Site": "same-origin" } as const;

export interface StudioTask {
  id: string;
  phase: "queued" | "generating" | "completed" | "failed";
  upstreamStatus: string;
  archive: { state: "none" | "archived" | "failed" | "expired"; error: string | null };
  pollAfterMs: number;
  previewUrl: string | null;
  error: { code?: string; message?: string } | null;
}

export function generationBody(prompt: string): Record<string, unknown> {
  return {
    prompt,
    videoUrl: REFERENCE_URL,
    imageUrls: [],
    duration: 5,
    aspectRatio: "16:9",
    quality: "720p",
    keepOriginalSound: true,
  };
}

/** POST /api/generations with a fresh Idempotency-Key, as the studio page does. */
export async function createStudioTask(studioUrl: string, prompt: string, agent?: http.Agent): Promise<StudioTask> {
  const { status, body } = await requestJson<StudioTask>(`${studioUrl}/api/generations`, {
    method: "POST",
    json: generationBody(prompt),
    headers: { ...BROWSER_HEADERS, "Idempotency-Key": `bench-${randomUUID()}` },
    agent,
    timeoutMs: 60_000,
  });
  if (status !== 201 || !body.id)
    throw new Error(`POST /api/generations answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function getStudioTask(
  studioUrl: string,
  id: string,
  agent?: http.Agent,
): Promise<{ status: number; task: StudioTask }> {
  const { status, body } = await requestJson<StudioTask>(`${studioUrl}/api/tasks/${id}`, { agent, timeoutMs: 30_000 });
  return { status, task: body };
}

/** Polls the studio until `done(task)` or the deadline. */
export async function waitForStudioTask(
  studioUrl: string,
  id: string,
  done: (task: StudioTask) => boolean,
  timeoutMs: number,
  everyMs = 250,
): Promise<StudioTask> {
  const deadline = Date.now() + timeoutMs;
  let last: StudioTask | null = null;
  while (Date.now() < deadline) {
    const { status, task } = await getStudioTask(studioUrl, id);
    if (status === 200) {
      last = task;
      if (done(task)) return task;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(
    `Task ${id} did not reach the expected state within ${timeoutMs} ms; last seen: ${JSON.stringify(last).slice(0, 400)}`,
  );
}

export interface SimTask {
  id: string;
  status: string;
  progress?: number;
  results?: string[];
}

/** The create body the studio's Evolink client sends (lib/server/evolink/client.ts). */
export function simCreateBody(prompt: string): Record<string, unknown> {
  return {
    model: "kling-o3-reference-to-video",
    prompt,
    video_url: REFERENCE_URL,
    duration: 5,
    aspect_ratio: "16:9",
    quality: "720p",
    keep_original_sound: true,
  };
}

export async function createSimTask(sim: Simulator, prompt: string, agent?: http.Agent): Promise<SimTask> {
  const { status, body } = await requestJson<SimTask>(`${sim.url}/v1/videos/generations`, {
    method: "POST",
    json: simCreateBody(prompt),
    headers: { Authorization: `Bearer ${sim.key}` },
    agent,
    timeoutMs: 60_000,
  });
  if (status !== 200 || !body.id)
    throw new Error(`simulator create answered ${status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

export async function getSimTask(
  sim: Simulator,
  id: string,
  agent?: http.Agent,
): Promise<{ status: number; task: SimTask }> {
  const { status, body } = await requestJson<SimTask>(`${sim.url}/v1/tasks/${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${sim.key}` },
    agent,
    timeoutMs: 30_000,
  });
  return { status, task: body };
}

export interface SimLog {
  creates: Array<{ at: number; taskId: string | null; status: number }>;
  taskGets: Record<string, number>;
  resultGets: Record<string, number>;
  uploads: Array<{ at: number; size: number | null; status: number }>;
}

export async function simLog(sim: Simulator): Promise<SimLog> {
  const { body } = await requestJson<SimLog>(`${sim.url}/__sim/log`, { timeoutMs: 30_000 });
  return body;
}

export async function simReset(sim: Simulator): Promise<void> {
  await requestJson(`${sim.url}/__sim/reset`, { method: "POST", timeoutMs: 60_000 });
}

/** When the simulator flips a task to completed: its create time (as it logged it) + task seconds. */
export function flipTimeMs(log: SimLog, taskId: string, taskSeconds: number): number {
  const create = log.creates.find((entry) => entry.taskId === taskId);
  if (!create) throw new Error(`The simulator has no create for ${taskId}`);
  return create.at + taskSeconds * 1000;
}
