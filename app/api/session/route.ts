import { z } from "zod";
import { errorResponse, readJsonBody } from "@/lib/server/http/api-response";
import { apiRoute } from "@/lib/server/http/api-route";
import { guard } from "@/lib/server/auth/guard";
import {
  authEnabled,
  newSessionToken,
  passwordMatches,
  revokeSession,
  sessionCookie,
  sessionFromCookieHeader,
} from "@/lib/server/auth/session";
import { rateLimit } from "@/lib/server/http/rate-limit";

const signInSchema = z.strictObject({ password: z.string().max(1024) });

/** Signs in with APP_PASSWORD and sets an httpOnly, SameSite=Strict, signed session cookie. */
export const POST = apiRoute(async (request: Request): Promise<Response> => {
  if (!authEnabled()) return errorResponse("not_found");
  const refused = (await guard(request, { session: false })) ?? (await rateLimit(request, "signIn"));
  if (refused) return refused;
  const body = await readJsonBody(request, 4096);
  if (!body.ok) return body.response;
  const parsed = signInSchema.safeParse(body.value);
  if (!parsed.success || !passwordMatches(parsed.data.password)) return errorResponse("wrong_password");
  const { token, maxAge } = await newSessionToken();
  const secure = new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
  return new Response(null, { status: 204, headers: { "Set-Cookie": sessionCookie(token, maxAge, secure) } });
});

/** Signs out: the session is revoked on the server (a copy of the cookie stops working too) and the cookie cleared. */
export const DELETE = apiRoute(async (request: Request): Promise<Response> => {
  const refused = await guard(request, { session: false });
  if (refused) return refused;
  await revokeSession(sessionFromCookieHeader(request.headers.get("cookie")));
  return new Response(null, { status: 204, headers: { "Set-Cookie": sessionCookie("", 0, false) } });
});
