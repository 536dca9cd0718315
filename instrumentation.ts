// Next.js calls register() once when the server starts (already listening): the HTTP edge goes in front
// of its server (allowed hosts, client addresses, the bound address checked), the store opens and the
// background poller starts here, so unfinished tasks keep moving after a restart even before any browser connects.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startStudio } = await import("./lib/server/startup");
  await startStudio();
}
