import "server-only";
import { startBackgroundWork } from "./tasks/background";
import { config } from "./config";
import { claimInstance } from "./instance";
import { log, withLogContext } from "./log";
import { edgeSettings, installHttpEdge } from "./http/edge";
import { checkStorageAtStart } from "./storage/check";
import { sessionSecretReason } from "./deployment-check";

/**
 * Server start (Node runtime only): refuse unsafe setups with a clear message (a bad setting, a public
 * address without a password), else put the HTTP edge in front of Next and start the poller.
 */
export async function startStudio(): Promise<void> {
  try {
    // Parsed first: a bad value stops the start with a message naming it.
    const settings = config();
    const sessions = sessionSecretReason(settings);
    if (sessions) throw new Error(sessions);
    claimInstance();
    installHttpEdge(edgeSettings(settings), refuseToStart);
    await startBackgroundWork();
    void checkStorageAtStart();
  } catch (error) {
    refuseToStart(error instanceof Error ? error.message : String(error));
  }
}

function refuseToStart(reason: string): never {
  withLogContext({ job: "startup" }, () => log().fatal(`The studio cannot start: ${reason}`));
  process.exit(1);
}
