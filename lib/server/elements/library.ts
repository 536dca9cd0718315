import "server-only";
import type { ElementView } from "../../elements/view";
import { log } from "../log";
import { creatingElementIds, deleteElement, findElement, listElements, updateElement } from "../store/elements";
import { refreshElement } from "./refresh";
import { toElementView } from "./view";

/** The library, newest first; elements being created are brought up to date first (within the poll cadence). */
export async function elementLibrary(): Promise<ElementView[]> {
  const refreshed = await Promise.allSettled((await creatingElementIds()).map((id) => refreshElement(id)));
  for (const outcome of refreshed) {
    if (outcome.status === "rejected") log().warn({ err: outcome.reason }, "element refresh failed; retrying later");
  }
  return (await listElements()).map(toElementView);
}

/** A local rename: the upstream keeps the name it was created with (no rename is documented). */
export async function renameElement(id: string, name: string): Promise<ElementView | null> {
  if (!(await findElement(id))) return null;
  const updated = await updateElement(id, { name });
  return updated ? toElementView(updated) : null;
}

/** Leaves this studio's library only; false when it was not there. */
export function forgetElement(id: string): Promise<boolean> {
  return deleteElement(id);
}
