import "server-only";
import type { StudioErrorBody } from "./errors";
import type { GenerationRequest } from "./generation-schema";

/** Everything the studio knows about a task it created. */
export interface TaskRecord {
  id: string;
  request: GenerationRequest;
  createdAt: number;
  updatedAt: number;
  upstreamStatus: string;
  progress: number;
  estimatedSeconds: number | null;
  creditsReserved: number | null;
  resultUrl: string | null;
  error: StudioErrorBody | null;
}

// Route handlers are bundled separately; one process-wide map keeps them looking at the same tasks.
const globalForStore = globalThis as typeof globalThis & { __taskStore?: Map<string, TaskRecord> };
const tasks = (globalForStore.__taskStore ??= new Map<string, TaskRecord>());

export function saveTask(record: TaskRecord): void {
  tasks.set(record.id, record);
}

export function findTask(id: string): TaskRecord | undefined {
  return tasks.get(id);
}

export function updateTask(id: string, patch: Partial<Omit<TaskRecord, "id" | "request" | "createdAt">>): TaskRecord | undefined {
  const current = tasks.get(id);
  if (!current) return undefined;
  const next = { ...current, ...patch, updatedAt: Date.now() };
  tasks.set(id, next);
  return next;
}
