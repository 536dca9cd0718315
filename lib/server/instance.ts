import "server-only";
import { lockDataDir } from "./store/data-lock";
import { sweepStaleSpools } from "./uploads/spool";

/** Makes this process the data folder's only studio, then clears what studios that died left behind. */
export function claimInstance(): void {
  lockDataDir();
  sweepStaleSpools();
}
