import "server-only";
import { startBackgroundWork } from "./background";
import { unsafeBindingReason } from "./deployment-check";
import { upstreamTimeouts } from "./evolink/config";
import { publicBaseUrlReason } from "./evolink/public-base-url";
import { claimInstance } from "./instance";
import { log, withLogContext } from "./log";

/** Server start (Node runtime only): refuse unsafe setups with a clear message, else start the poller. */
export function startStudio(): void {
  try {
    const unsafe = unsafeBindingReason() ?? publicBaseUrlReason();
    if (unsafe) throw new Error(unsafe);
    claimInstance();
    upstreamTimeouts();
    startBackgroundWork();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    withLogContext({ job: "startup" }, () => log().fatal(`The studio cannot start: ${reason}`));
    process.exit(1);
  }
}
