import "server-only";
import { startBackgroundWork } from "./background";
import { unsafeBindingReason } from "./deployment-check";
import { upstreamTimeouts } from "./evolink/config";

/** Server start (Node runtime only): refuse unsafe setups with a clear message, else start the poller. */
export function startStudio(): void {
  try {
    const unsafe = unsafeBindingReason();
    if (unsafe) throw new Error(unsafe);
    upstreamTimeouts();
    startBackgroundWork();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error("The studio cannot start; see the message above.");
    process.exit(1);
  }
}
