import { Writable } from "node:stream";
import { expect, vi } from "vitest";
import { redirectLogs } from "@/lib/server/log";
import { startStudio } from "@/lib/server/startup";

/**
 * Starts the studio with `env` set, expecting it to refuse: process.exit is caught, and the first log line
 * (the refusal) is returned with the exit code. The environment and the log go back as they were.
 */
export async function refusedStart(env: Record<string, string>): Promise<{
  exitCalls: unknown[][];
  fatal: { level?: string; job?: string; msg?: string };
}> {
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  let written = "";
  redirectLogs(
    new Writable({ write: (chunk: Buffer, _encoding, done) => void ((written += chunk.toString("utf8")), done()) }),
  );
  const exit = vi.spyOn(process, "exit").mockImplementation(((code?: number) => {
    throw new Error(`exit ${code}`);
  }) as typeof process.exit);
  try {
    await expect(startStudio()).rejects.toThrow("exit 1");
  } finally {
    vi.unstubAllEnvs();
    redirectLogs(new Writable({ write: (_chunk, _encoding, done) => done() }));
  }
  return { exitCalls: exit.mock.calls, fatal: JSON.parse(written.trim().split("\n")[0] ?? "{}") };
}
