import "server-only";
import { z } from "zod";
import type { Announcement } from "./direct";

// The two JSON bodies of a direct upload: what the browser announces, and which upload it says it finished.
const ANNOUNCEMENT = z.strictObject({
  kind: z.enum(["video", "image"]),
  size: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  type: z.string().max(100),
});
const COMPLETION = z.strictObject({ key: z.string().max(300), name: z.string().max(255).optional() });

/** The fields of a body that does not fit, for a `validation_failed` answer. */
function fields(error: z.ZodError): Record<string, string> {
  return Object.fromEntries(error.issues.map((issue) => [issue.path.join(".") || "body", issue.message]));
}

export function parseAnnouncement(
  value: unknown,
): { ok: true; value: Announcement } | { ok: false; fields: Record<string, string> } {
  const parsed = ANNOUNCEMENT.safeParse(value);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, fields: fields(parsed.error) };
}

export function parseCompletion(
  value: unknown,
): { ok: true; value: { key: string; name: string } } | { ok: false; fields: Record<string, string> } {
  const parsed = COMPLETION.safeParse(value);
  return parsed.success
    ? { ok: true, value: { key: parsed.data.key, name: parsed.data.name ?? "" } }
    : { ok: false, fields: fields(parsed.error) };
}
