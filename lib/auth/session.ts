import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The access gate for deployed instances: on when APP_PASSWORD is set. */
export const SESSION_COOKIE = "studio_session";
const SESSION_SECONDS = 12 * 60 * 60;

export function authEnabled(): boolean {
  return Boolean(process.env.APP_PASSWORD);
}

/** The password and signing secret, for the logger to scrub should either ever reach a log line. */
export function sessionSecrets(): string[] {
  return [process.env.APP_PASSWORD, process.env.SESSION_SECRET].filter((secret): secret is string => Boolean(secret));
}

// Derived from the password unless SESSION_SECRET is set, so changing the password signs everyone out.
function signingKey(): Buffer {
  return createHash("sha256")
    .update(process.env.SESSION_SECRET || `kling-studio-session:${process.env.APP_PASSWORD ?? ""}`)
    .digest();
}

function sign(payload: string): string {
  return createHmac("sha256", signingKey()).update(payload).digest("base64url");
}

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export function passwordMatches(attempt: string): boolean {
  const password = process.env.APP_PASSWORD;
  return Boolean(password) && sameSecret(attempt, password ?? "");
}

export function newSessionToken(now = Date.now()): { token: string; maxAge: number } {
  const expires = String(Math.floor(now / 1000) + SESSION_SECONDS);
  return { token: `${expires}.${sign(expires)}`, maxAge: SESSION_SECONDS };
}

export function sessionValid(token: string | undefined, now = Date.now()): boolean {
  if (!token) return false;
  const [expires = "", signature = ""] = token.split(".");
  if (!/^\d{1,12}$/.test(expires) || !sameSecret(signature, sign(expires))) return false;
  return Number(expires) * 1000 > now;
}

/** The session cookie from a request's Cookie header. */
export function sessionFromCookieHeader(header: string | null): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === SESSION_COOKIE) return value.join("=");
  }
  return undefined;
}

export function sessionCookie(token: string, maxAge: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
}
