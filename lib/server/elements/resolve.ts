import "server-only";
import type { ErrorCode } from "../../errors";
import type { UsedElement } from "../../elements/view";
import { findElement } from "../store/elements";

/** A generation names an element it cannot use: answered with the catalog code, nothing sent upstream. */
export class ElementRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = "ElementRefusal";
  }
}

/** The library's elements for a generation's local ids, in order; only ready ones pass. */
export async function resolveElements(ids: readonly string[]): Promise<UsedElement[]> {
  const records = await Promise.all(ids.map((id) => findElement(id)));
  return ids.map((id, index) => {
    const record = records[index];
    const token = `<<<element_${index + 1}>>>`;
    if (!record) throw new ElementRefusal("element_unknown", `${token} (${id}) is not in this studio's library.`);
    if (record.state === "failed") {
      throw new ElementRefusal("element_failed", `${token} “${record.name}” failed to be created.`);
    }
    if (record.state !== "ready" || !record.elementId) {
      throw new ElementRefusal(
        "element_not_ready",
        `${token} “${record.name}” is still being created (${record.progress}%).`,
      );
    }
    return { id: record.id, name: record.name, elementId: record.elementId };
  });
}
