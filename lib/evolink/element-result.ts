// Where a finished kling-custom-element task puts its element_id is undocumented beyond "result_data contains
// element_id" (CONTRACT.md, "Elements"), so every plausible place is searched and the first id found wins.

export type ElementIdReading = { ok: true; elementId: string } | { ok: false; keys: string[] };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A usable id: a non-empty string, or a whole number (the docs moved it from integer to string), as a string. */
function idOf(value: unknown): string | null {
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
  return null;
}

/** `result_data` and `results` as lists of places to look: an array's objects, or the object itself. */
function candidates(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value.filter(isRecord);
  return isRecord(value) ? [value] : [];
}

/** The keys of a body and of its result_data / results entries, for a failure that says what did come back. */
function describeKeys(body: Record<string, unknown>): string[] {
  const keys = Object.keys(body);
  for (const field of ["result_data", "results"]) {
    const value = body[field];
    const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
    items.forEach((item, index) => {
      const prefix = Array.isArray(value) ? `${field}[${index}]` : field;
      if (isRecord(item)) keys.push(...Object.keys(item).map((key) => `${prefix}.${key}`));
    });
  }
  return keys;
}

/** Reads the element_id of a finished creation task's raw body: `result_data[]` first, then `results`. */
export function readElementId(body: unknown): ElementIdReading {
  if (!isRecord(body)) return { ok: false, keys: [] };
  for (const field of ["result_data", "results"]) {
    for (const item of candidates(body[field])) {
      const id = idOf(item.element_id);
      if (id) return { ok: true, elementId: id };
    }
  }
  return { ok: false, keys: describeKeys(body) };
}
