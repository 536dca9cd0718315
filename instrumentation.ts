// Next.js calls register() once when the server starts: the store opens and the background poller
// starts here, so unfinished tasks keep moving after a restart even before any browser connects.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startBackgroundWork } = await import("./lib/background");
  const { unsafeBindingReason } = await import("./lib/deployment-check");
  try {
    const unsafe = unsafeBindingReason();
    if (unsafe) throw new Error(unsafe);
    startBackgroundWork();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    console.error("The studio cannot start; see the message above.");
    process.exit(1);
  }
}
