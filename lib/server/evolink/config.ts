import "server-only";
import { DEFAULT_API_KEY as DEMO_KEY } from "../../simulator/options";
import type { RunningSimulator } from "../../simulator/server";
import { config } from "../config";

/** Where the Evolink client sends its calls, and with which key. The key never leaves the server and is never logged. */
export interface UpstreamConfig {
  apiKey: string;
  apiBase: string;
  filesBase: string;
  demo: boolean;
}

const globalForSimulator = globalThis as typeof globalThis & { __embeddedSimulator?: Promise<RunningSimulator> };

/** Demo mode runs the simulator inside this process on a private loopback port, started on first use. */
function embeddedSimulator(): Promise<RunningSimulator> {
  // Loaded only in demo mode: a studio with a real key never loads the simulator's modules.
  globalForSimulator.__embeddedSimulator ??= import("../../simulator/server").then(({ startSimulator }) =>
    startSimulator({ apiKey: DEMO_KEY, host: "127.0.0.1", port: 0 }),
  );
  return globalForSimulator.__embeddedSimulator;
}

export async function upstreamConfig(): Promise<UpstreamConfig> {
  const { apiKey, apiBase, filesBase } = config().evolink;
  if (apiKey) return { apiKey, apiBase, filesBase, demo: false };
  const simulator = await embeddedSimulator();
  return { apiKey: DEMO_KEY, apiBase: simulator.url, filesBase: simulator.url, demo: true };
}
