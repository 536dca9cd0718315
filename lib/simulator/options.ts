import path from "node:path";

export interface SimulatorOptions {
  /** Accepted Bearer key. */
  apiKey: string;
  /** Seconds from create to completed. */
  taskSeconds: number;
  /** Lifetime of a result URL after completion, in seconds. */
  resultTtlSeconds: number;
  /** Delay applied by the "slow" scenario, in milliseconds. */
  slowMs: number;
  /** Folder holding sample-16x9.mp4, sample-9x16.mp4 and sample-1x1.mp4. */
  clipsDir: string;
  /** Clock in epoch ms; injectable so tests can step time instead of sleeping. */
  now?: () => number;
}

export const DEFAULT_API_KEY = "sk-demo-simulator";

/** Reads a non-negative number from the environment, falling back on absent or garbage values. */
function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}

function requireNumber(name: string, value: number, min: number, exclusive: boolean): number {
  const ok = Number.isFinite(value) && (exclusive ? value > min : value >= min);
  if (!ok) throw new RangeError(`Simulator option ${name} must be ${exclusive ? ">" : ">="} ${min}, got ${value}`);
  return value;
}

/** Fills defaults (env first, then built-ins); undefined overrides count as absent. */
export function resolveSimulatorOptions(overrides: Partial<SimulatorOptions> = {}): SimulatorOptions {
  const envTaskSeconds = envNumber("SIMULATOR_TASK_SECONDS", 30);
  return {
    apiKey: overrides.apiKey ?? DEFAULT_API_KEY,
    taskSeconds: requireNumber(
      "taskSeconds",
      overrides.taskSeconds ?? (envTaskSeconds > 0 ? envTaskSeconds : 30),
      0,
      true,
    ),
    resultTtlSeconds: requireNumber(
      "resultTtlSeconds",
      overrides.resultTtlSeconds ?? envNumber("SIMULATOR_RESULT_TTL_SECONDS", 86_400),
      0,
      false,
    ),
    slowMs: requireNumber("slowMs", overrides.slowMs ?? envNumber("SIMULATOR_SLOW_MS", 3000), 0, false),
    clipsDir: overrides.clipsDir ?? path.join(process.cwd(), "lib/simulator/clips"),
    now: overrides.now ?? Date.now,
  };
}
