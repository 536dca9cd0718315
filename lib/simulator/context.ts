import type { IncomingMessage } from "node:http";
import type { CallbackDispatcher } from "./callbacks";
import type { FileStore } from "./file-store";
import type { SimulatorLog } from "./log";
import type { SimulatorOptions } from "./options";
import type { TaskStore } from "./tasks";

/** State shared by one simulator's routes. */
export interface Context {
  options: SimulatorOptions;
  now: () => number;
  store: TaskStore;
  files: FileStore;
  log: SimulatorLog;
  callbacks: CallbackDispatcher;
}

export function isAuthorized(req: IncomingMessage, apiKey: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return match?.[1]?.trim() === apiKey;
}

/** Links point back at whichever host the client used, so one origin serves the API, files and CDN paths. */
export function requestOrigin(req: IncomingMessage): string {
  return `http://${req.headers.host ?? "127.0.0.1"}`;
}

/**
 * An uploaded file's public link: `<public base>/<upload_path>/<name>` as in the docs' example, or, with
 * no public base, this origin's own `/files/…` route so the link can be fetched here.
 */
export function publicFileUrl(req: IncomingMessage, options: SimulatorOptions, key: string): string {
  return options.publicFilesBase ? `${options.publicFilesBase}/${key}` : `${requestOrigin(req)}/files/${key}`;
}
