import { readdirSync, readlinkSync } from "node:fs";

/** Paths this process holds open (Linux /proc), for checking that no file handle outlives its request. */
export function openFilesUnder(folder: string): string[] {
  return readdirSync("/proc/self/fd")
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        // Closed between listing and reading.
        return "";
      }
    })
    .filter((target) => target.startsWith(folder));
}
