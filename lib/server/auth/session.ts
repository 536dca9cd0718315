import "server-only";
import { createHash, createHmac, randomBytes, scryptSync, timingSafeEqual } from "node:crypto";
import { config } from "../config";
import { deleteSession, insertSession, pruneSessions, sessionExpiresAt, sessionKeys } from "../store/sessions";

/** The access gate for deployed instances: on when APP_PASSWORD is set. */
export const SESSION_COOKIE = "studio_session";
const SESSION_SECONDS = 12 * 60 * 60;

// A cookie is `<session id>.<signature>`, each 32 bytes in base64url.
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/;

// ~100 ms and 32 MiB once per process and password: a stolen database makes each password guess that dear.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

export function authEnabled(): boolean {
  return Boolean(config().auth.password);
}

let derived: { password: string; configured: string; key: Buffer } | undefined;

/**
 * The key that signs session ids: from SESSION_SECRET, or else a random secret kept in the database
 * (so a cookie says nothing about the password and cannot be used to guess it offline), bound to an
 * scrypt verifier of the current password, so changing APP_PASSWORD (or SESSION_SECRET) signs everyone out.
 */
async function signingKey(): Promise<Buffer> {
  const { password = "", sessionSecret: configured = "" } = config().auth;
  if (derived?.password !== password || derived.configured !== configured) {
    const { secret, passwordSalt } = await sessionKeys();
    const verifier = scryptSync(password, passwordSalt, 32, SCRYPT);
    const key = createHmac("sha256", configured || secret)
      .update("kling-studio-session\0")
      .update(verifier)
      .digest();
    derived = { password, configured, key };
  }
  return derived.key;
}

async function sign(sessionId: string): Promise<string> {
  return createHmac("sha256", await signingKey())
    .update(sessionId)
    .digest("base64url");
}

// Only the id's hash is stored, so a copy of the database holds no cookie that works.
const idHash = (sessionId: string) => createHash("sha256").update(sessionId).digest("hex");

/** Hashing both sides first makes the comparison constant-time whatever the lengths. */
function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}

export function passwordMatches(attempt: string): boolean {
  const { password } = config().auth;
  return Boolean(password) && sameSecret(attempt, password ?? "");
}

/** A new signed-in session: a random id, recorded with its expiry (sessions that ran out are dropped). */
export async function newSessionToken(now = Date.now()): Promise<{ token: string; maxAge: number }> {
  const sessionId = randomBytes(32).toString("base64url");
  await pruneSessions(Date.now());
  await insertSession(idHash(sessionId), now + SESSION_SECONDS * 1000);
  return { token: `${sessionId}.${await sign(sessionId)}`, maxAge: SESSION_SECONDS };
}

/** The session id of a well-formed token signed with the current key, else undefined. */
async function signedSessionId(token: string | undefined): Promise<string | undefined> {
  const match = TOKEN_PATTERN.exec(token ?? "");
  if (!match) return undefined;
  const [, sessionId = "", signature = ""] = match;
  return sameSecret(signature, await sign(sessionId)) ? sessionId : undefined;
}

/** A token is valid while it is signed with the current key and its session is recorded and unexpired. */
export async function sessionValid(token: string | undefined, now = Date.now()): Promise<boolean> {
  const sessionId = await signedSessionId(token);
  if (!sessionId) return false;
  const expiresAt = await sessionExpiresAt(idHash(sessionId));
  return expiresAt !== undefined && expiresAt > now;
}

/** Signing out: the session is deleted, so its cookie stops working at once, wherever a copy of it is. */
export async function revokeSession(token: string | undefined): Promise<void> {
  const sessionId = TOKEN_PATTERN.exec(token ?? "")?.[1];
  if (sessionId) await deleteSession(idHash(sessionId));
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
