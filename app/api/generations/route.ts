import { errorResponse, failureResponse, readJsonBody } from "@/lib/api-response";
import { fieldErrors, generationRequestSchema } from "@/lib/generation-schema";
import { submitGeneration } from "@/lib/tasks";

const MAX_BODY_BYTES = 64 * 1024;

export async function POST(request: Request): Promise<Response> {
  const body = await readJsonBody(request, MAX_BODY_BYTES);
  if (!body.ok) return body.response;
  const parsed = generationRequestSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
  try {
    return Response.json(await submitGeneration(parsed.data), { status: 201 });
  } catch (error) {
    return failureResponse(error);
  }
}
