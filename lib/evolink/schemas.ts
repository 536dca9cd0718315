import { z } from "zod";
import { TASK_ID_PATTERN } from "./contract";

// Every text the upstream writes has already been scrubbed of secrets by the client that parsed the body.
const upstreamText = z.string();

// Lenient on purpose: the upstream adds keys over time and has two error envelopes (CONTRACT.md, "Errors").
export const upstreamErrorEnvelope = z.looseObject({
  error: z.looseObject({
    code: z.union([z.string(), z.number()]).optional(),
    message: upstreamText.optional(),
    type: z.string().optional(),
  }),
});

export const upstreamTaskBody = z.looseObject({
  // The id names files and URLs here: one in any other form is an unreadable answer, never used.
  id: z.string().regex(TASK_ID_PATTERN),
  status: z.string().min(1),
  progress: z.number().optional().catch(undefined),
  results: z.array(z.string()).optional().catch(undefined),
  result_data: z
    .array(z.looseObject({ video_url: z.string().optional() }))
    .optional()
    .catch(undefined),
  task_info: z.looseObject({ estimated_time: z.number().optional() }).optional().catch(undefined),
  usage: z.looseObject({ credits_reserved: z.number().optional() }).optional().catch(undefined),
  error: upstreamErrorEnvelope.shape.error.nullable().optional().catch(undefined),
});

export const fileServiceBody = z.looseObject({
  success: z.boolean().optional(),
  code: z.union([z.number(), z.string()]).optional(),
  msg: upstreamText.optional(),
  data: z.looseObject({ file_url: z.string().optional(), expires_at: z.string().optional() }).nullish(),
});

/** The part of an upstream task the studio uses. */
export interface UpstreamTask {
  id: string;
  status: string;
  progress: number;
  estimatedSeconds: number | null;
  creditsReserved: number | null;
  resultUrl: string | null;
  error: { code: string | number | undefined; message: string | undefined } | null;
}

export function toUpstreamTask(body: z.infer<typeof upstreamTaskBody>): UpstreamTask {
  const progress = Math.min(100, Math.max(0, Math.round(body.progress ?? 0)));
  // `results[0]` is documented; `result_data[].video_url` is what Evolink's own tools fall back to.
  const resultUrl = body.results?.[0] ?? body.result_data?.find((item) => item.video_url)?.video_url ?? null;
  return {
    id: body.id,
    status: body.status.toLowerCase(),
    progress,
    estimatedSeconds: body.task_info?.estimated_time ?? null,
    creditsReserved: body.usage?.credits_reserved ?? null,
    resultUrl,
    error: body.error ? { code: body.error.code, message: body.error.message } : null,
  };
}

// A balance that is missing, negative or not a number is unknown, never 0 (CONTRACT.md, "Balance").
// One bad value anywhere makes the whole answer unknown, rather than falling back to another figure.
const credits = z.number().finite().nonnegative().optional();
const creditsHolder = z
  .looseObject({ remaining_credits: credits, unlimited_credits: z.boolean().optional().catch(undefined) })
  .optional();
const creditsFields = z.looseObject({ token: creditsHolder, user: creditsHolder, remaining_credits: credits });

/**
 * GET /v1/credits: the documented `{ success, message, data: { token, user } }`, or the same fields without
 * the envelope; `success: false` is no answer.
 */
export const creditsBody = z.looseObject({
  success: z.boolean().optional().catch(undefined),
  data: creditsFields.optional(),
});

/**
 * What the key can still spend: the account's remaining credits, or the key's own limit when it has one
 * and it is lower (CONTRACT.md, "Balance"). Null when the answer does not say.
 */
export function remainingCredits(body: unknown): number | null {
  const envelope = creditsBody.safeParse(body);
  if (!envelope.success || envelope.data.success === false) return null;
  const fields = envelope.data.data ?? creditsFields.safeParse(body).data;
  if (!fields) return null;
  const account = fields.user?.remaining_credits ?? fields.remaining_credits;
  const token = fields.token?.unlimited_credits === true ? undefined : fields.token?.remaining_credits;
  if (account === undefined) return token ?? null;
  return token === undefined ? account : Math.min(account, token);
}
