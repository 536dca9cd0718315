import { rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { CallbackDispatcher } from "./callbacks";
import { handleCredits } from "./credits";
import { isAuthorized, requestOrigin, type Context } from "./context";
import {
  INTERNAL_ERROR,
  INVALID_TASK_ID,
  REQUEST_TOO_LARGE,
  ROUTE_NOT_FOUND,
  TASK_NOT_FOUND,
  badRequest,
  unauthorized,
  type HttpError,
} from "./errors";
import { faultStatus, inflictFault } from "./faults";
import { FileStore, keyFromFilesPath } from "./file-store";
import { handleDownload, handleQuota, handleServeFile, handleUpload } from "./files-routes";
import { delay, readBody, sendError, sendJson, sendRaw, sendText, serveFile } from "./http";
import { SimulatorLog } from "./log";
import { resolveSimulatorOptions, type SimulatorOptions } from "./options";
import { checkImages, checkReferences } from "./reference-check";
import { validateElementBody } from "./validate-element";
import { ELEMENT_MODEL } from "../evolink/element-contract";
import { createFault, createScenarioError, parseScenario, pollFault, pollScenarioError } from "./scenarios";
import { createBody, taskBody } from "./task-body";
import { TaskStore, finishedAtMs, resultExpiresAtMs, taskPhase, type Task } from "./tasks";
import { validateCreateBody } from "./validate";

export { resolveSimulatorOptions, type SimulatorOptions } from "./options";
export { SIMULATOR_SCENARIOS, type ScenarioName } from "./scenarios";

const MAX_BODY_BYTES = 1024 * 1024;
const TASK_PREFIX = "task-unified-";

/** `origin` is the one the client used, so result links can be fetched wherever the simulator runs. */
function resultUrl(origin: string, ctx: Context, task: Task): string {
  const { taskSeconds, resultTtlSeconds } = ctx.options;
  const expires = Math.floor(resultExpiresAtMs(task, taskSeconds, resultTtlSeconds) / 1000);
  return `${origin}/cdn/results/${encodeURIComponent(task.id)}.mp4?expires=${expires}`;
}

/**
 * Task state is computed lazily on GET, so the callback needs its own timer at the moment the task
 * finishes. With an injected clock that has not moved yet, it looks again after the remaining time.
 */
function scheduleCallback(ctx: Context, task: Task, callbackUrl: string, origin: string): void {
  const { taskSeconds } = ctx.options;
  const check = (): void => {
    const phase = taskPhase(task, ctx.now(), taskSeconds);
    if (phase.status === "pending" || phase.status === "processing") {
      ctx.callbacks.later(Math.max(50, finishedAtMs(task, taskSeconds) - ctx.now()), check);
      return;
    }
    ctx.callbacks.deliver(
      task.id,
      callbackUrl,
      taskBody(task, phase, resultUrl(origin, ctx, task), ctx.options.apiKey),
    );
  };
  ctx.callbacks.later(finishedAtMs(task, taskSeconds) - ctx.now(), check);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

async function handleCreate(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const record = (body: unknown, taskId: string | null, status: number): void =>
    ctx.log.recordCreate({ at: ctx.now(), body, taskId, status });
  if (!isAuthorized(req, ctx.options.apiKey)) {
    record(null, null, 401);
    return sendError(res, unauthorized("Invalid or expired token"));
  }
  const raw = await readBody(req, MAX_BODY_BYTES);
  if (raw === null) {
    record(null, null, 413);
    return sendError(res, REQUEST_TOO_LARGE);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    record(null, null, 400);
    return sendError(res, badRequest("invalid_request", "Request body must be valid JSON"));
  }
  if (isRecord(body) && body.model === ELEMENT_MODEL) return createElementTask(req, res, ctx, body, record);
  const result = validateCreateBody(body);
  if (!result.ok) {
    record(body, null, result.error.status);
    return sendError(res, result.error);
  }
  const referenceError = await checkReferences(req, ctx.files, ctx.now(), ctx.options.publicFilesBase, result.value);
  if (referenceError) {
    record(body, null, referenceError.status);
    return sendError(res, referenceError);
  }
  const scenario = parseScenario(result.value.prompt);
  const refusal = createScenarioError(scenario, ctx.options.apiKey, ctx.log.createsWithPrompt(result.value.prompt));
  if (refusal) {
    record(body, null, refusal.status);
    return sendError(res, refusal);
  }
  const task = ctx.store.create(result.value, scenario, ctx.now(), ctx.options.taskSeconds);
  const fault = createFault(scenario);
  record(body, task.id, fault ? faultStatus(fault) : 200);
  if (task.callbackUrl) scheduleCallback(ctx, task, task.callbackUrl, requestOrigin(req));
  if (fault) return inflictFault(res, fault, ctx.options.hangMs);
  if (scenario === "slow") await delay(ctx.options.slowMs);
  sendJson(res, 200, createBody(task, ctx.options.taskSeconds));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** kling-custom-element (CONTRACT.md, "Elements"): validated, its own stored images probed, then a task. */
async function createElementTask(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
  body: Record<string, unknown>,
  record: (body: unknown, taskId: string | null, status: number) => void,
): Promise<void> {
  const refuse = (error: HttpError): void => {
    record(body, null, error.status);
    sendError(res, error);
  };
  const result = validateElementBody(body);
  if (!result.ok) return refuse(result.error);
  const imageError = await checkImages(req, ctx.files, ctx.now(), ctx.options.publicFilesBase, result.value.images);
  if (imageError) return refuse(imageError);
  const scenario = parseScenario(`${result.value.name} ${result.value.description}`);
  const task = ctx.store.createElement(result.value, scenario, ctx.now());
  record(body, task.id, 200);
  sendJson(res, 200, createBody(task, ctx.options.taskSeconds));
}

async function handleGetTask(req: IncomingMessage, res: ServerResponse, ctx: Context, id: string): Promise<void> {
  if (!isAuthorized(req, ctx.options.apiKey)) return sendError(res, unauthorized("Authentication required"));
  ctx.log.countTaskGet(id);
  if (!id.startsWith(TASK_PREFIX)) return sendError(res, INVALID_TASK_ID);
  const task = ctx.store.get(id);
  if (!task) return sendError(res, TASK_NOT_FOUND);
  const getNumber = ++task.gets;
  if (task.scenario === "slow") await delay(ctx.options.slowMs);
  const pollError = pollScenarioError(task.scenario, getNumber);
  if (pollError) return sendError(res, pollError);
  const phase = taskPhase(task, ctx.now(), ctx.options.taskSeconds);
  const body = JSON.stringify(taskBody(task, phase, resultUrl(requestOrigin(req), ctx, task), ctx.options.apiKey));
  const fault = pollFault(task.scenario, getNumber);
  if (fault) return inflictFault(res, fault, ctx.options.hangMs, body);
  // "malformed": a proxy cut the first response short.
  const text = task.scenario === "malformed" && getNumber === 1 ? body.slice(0, 40) : body;
  sendRaw(res, 200, "application/json; charset=utf-8", text);
}

async function handleResult(req: IncomingMessage, res: ServerResponse, ctx: Context, id: string): Promise<void> {
  ctx.log.countResultGet(id);
  const task = ctx.store.get(id);
  const { taskSeconds, resultTtlSeconds, clipsDir, resultFile } = ctx.options;
  const now = ctx.now();
  if (!task || task.kind !== "video" || taskPhase(task, now, taskSeconds).status !== "completed") {
    return sendText(res, 404, "Not Found");
  }
  if (now >= resultExpiresAtMs(task, taskSeconds, resultTtlSeconds)) {
    return sendText(res, 403, "Request has expired");
  }
  const clip = resultFile || path.join(clipsDir, `sample-${task.aspectRatio.replace(":", "x")}.mp4`);
  await serveFile(req, res, clip, "video/mp4");
}

async function route(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const { pathname } = new URL(req.url ?? "/", "http://simulator.local");
  const method = req.method ?? "GET";
  const read = method === "GET" || method === "HEAD";
  if (pathname === "/v1/videos/generations" && method === "POST") return handleCreate(req, res, ctx);
  const taskMatch = /^\/v1\/tasks\/([^/]*)$/.exec(pathname);
  if (taskMatch && method === "GET") return handleGetTask(req, res, ctx, decodeSegment(taskMatch[1] ?? ""));
  const resultMatch = /^\/cdn\/results\/([^/]+)\.mp4$/.exec(pathname);
  if (resultMatch && read) {
    return handleResult(req, res, ctx, decodeSegment(resultMatch[1] ?? ""));
  }
  if (pathname === "/v1/credits" && method === "GET") return handleCredits(req, res, ctx);
  if (pathname === "/api/v1/files/upload/stream" && method === "POST") return handleUpload(req, res, ctx);
  if (pathname === "/api/v1/files/quota" && method === "GET") return handleQuota(req, res, ctx);
  const downloadMatch = /^\/api\/v1\/files\/download\/([^/]+)$/.exec(pathname);
  if (downloadMatch && read) return handleDownload(req, res, ctx, decodeSegment(downloadMatch[1] ?? ""));
  if (pathname.startsWith("/files/") && read) return handleServeFile(req, res, ctx, keyFromFilesPath(pathname));
  if (pathname === "/__sim/log" && method === "GET") return sendJson(res, 200, ctx.log);
  if (pathname === "/__sim/reset" && method === "POST") {
    ctx.callbacks.clear();
    ctx.store.clear();
    ctx.log.reset();
    await ctx.files.clear();
    return sendJson(res, 200, { ok: true });
  }
  sendError(res, ROUTE_NOT_FOUND);
}

export interface SimulatorHandler {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Cancels pending and in-flight callbacks. */
  stop(): void;
}

export function createSimulatorHandler(options: SimulatorOptions): SimulatorHandler {
  const now = options.now ?? Date.now;
  const log = new SimulatorLog();
  const ctx: Context = {
    options,
    now,
    store: new TaskStore(),
    files: new FileStore(options.filesDir),
    log,
    callbacks: new CallbackDispatcher(options, log, now),
  };
  return {
    handle: (req, res) => {
      route(req, res, ctx).catch(() => {
        if (!res.headersSent && !res.destroyed) sendError(res, INTERNAL_ERROR);
        else res.destroy();
      });
    },
    stop: () => ctx.callbacks.clear(),
  };
}

export interface RunningSimulator {
  url: string;
  /** Where uploads are stored (removed by close() when the simulator made it). */
  filesDir: string;
  close(): Promise<void>;
}

export async function startSimulator(
  opts: Partial<SimulatorOptions> & { port?: number; host?: string } = {},
): Promise<RunningSimulator> {
  const { port = 0, host = "127.0.0.1", ...overrides } = opts;
  const options = resolveSimulatorOptions(overrides);
  const handler = createSimulatorHandler(options);
  const server = createServer(handler.handle);
  // Only a folder made for this simulator is removed; a caller's filesDir is left alone. The exit hook
  // covers hosts that never call close() (Next in demo mode).
  const ownsFilesDir = overrides.filesDir === undefined;
  const removeOnExit = (): void => rmSync(options.filesDir, { recursive: true, force: true });
  if (ownsFilesDir) process.once("exit", removeOnExit);
  const removeOwnDir = async (): Promise<void> => {
    if (!ownsFilesDir) return;
    process.off("exit", removeOnExit);
    await rm(options.filesDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (err) {
    await removeOwnDir();
    throw err;
  }
  const address = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${address.port}`,
    filesDir: options.filesDir,
    close: async () => {
      handler.stop();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive sockets (fetch pools them) would otherwise hold close() open.
        server.closeAllConnections();
      });
      await removeOwnDir();
    },
  };
}
