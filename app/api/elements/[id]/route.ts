import { errorResponse, failureResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import { ELEMENT_ID_PATTERN } from "@/lib/elements/ids";
import { elementRenameSchema } from "@/lib/elements/schema";
import { fieldErrors } from "@/lib/generation/schema";
import { forgetElement, renameElement } from "@/lib/server/elements/library";
import { refreshElement } from "@/lib/server/elements/refresh";

type Params = { params: Promise<{ id: string }> };
const UNKNOWN = "This studio's library has no element with that id.";
const NO_STORE = { "Cache-Control": "no-store" };

export const GET = apiRoute(async (request: Request, { params }: Params): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!ELEMENT_ID_PATTERN.test(id)) return errorResponse("element_not_found", { detail: UNKNOWN });
  try {
    const element = await refreshElement(id);
    if (!element) return errorResponse("element_not_found", { detail: UNKNOWN });
    return Response.json(element, { headers: NO_STORE });
  } catch (error) {
    return failureResponse(error);
  }
});

export const PATCH = apiRoute(async (request: Request, { params }: Params): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!ELEMENT_ID_PATTERN.test(id)) return errorResponse("element_not_found", { detail: UNKNOWN });
  const body = await readJsonBody(request, 4096);
  if (!body.ok) return body.response;
  const parsed = elementRenameSchema.safeParse(body.value);
  if (!parsed.success) return errorResponse("validation_failed", { fields: fieldErrors(parsed.error) });
  const element = await renameElement(id, parsed.data.name);
  if (!element) return errorResponse("element_not_found", { detail: UNKNOWN });
  return Response.json(element, { headers: NO_STORE });
});

export const DELETE = apiRoute(async (request: Request, { params }: Params): Promise<Response> => {
  const refused = await guard(request);
  if (refused) return refused;
  const { id } = await params;
  if (!ELEMENT_ID_PATTERN.test(id) || !(await forgetElement(id))) {
    return errorResponse("element_not_found", { detail: UNKNOWN });
  }
  return new Response(null, { status: 204 });
});
