import "server-only";
import type { AddressInfo } from "node:net";
import { hostKind } from "../net/host-kind";
import { config, type StudioConfig } from "./config";

/** Setting this exact value is the only way to serve a password-less studio beyond this machine. */
export const PUBLIC_WITHOUT_PASSWORD_OPT_OUT = "i-understand-anyone-can-spend-my-credits";

/**
 * Refuses to serve a studio without APP_PASSWORD on a non-loopback address: anyone who can reach it
 * could spend the key's credits. Takes the address the server really listens on (server.address()),
 * however it was chosen (HOST, -H, Next's default of every interface). Returns the reason, or null when
 * the binding is safe; a pipe or socket file (a string) is reachable from this machine only.
 */
export function unsafeBindingReason(
  bound: AddressInfo | string | null,
  settings: StudioConfig = config(),
): string | null {
  if (bound === null || typeof bound === "string") return null;
  if (hostKind(bound.address) === "loopback" || settings.auth.password) return null;
  if (settings.auth.publicWithoutPassword === PUBLIC_WITHOUT_PASSWORD_OPT_OUT) return null;
  const everywhere = bound.address === "::" || bound.address === "0.0.0.0" ? " (every interface)" : "";
  return (
    `Refusing to listen on ${bound.address}${everywhere} without APP_PASSWORD: anyone who can reach this address could ` +
    `spend your Evolink credits. Set APP_PASSWORD (recommended), or listen on 127.0.0.1 (npm start does unless HOST ` +
    `says otherwise; next start needs -H 127.0.0.1), or, if something in front of the studio already authenticates ` +
    `users, set ALLOW_PUBLIC_WITHOUT_PASSWORD=${PUBLIC_WITHOUT_PASSWORD_OPT_OUT}.`
  );
}

/**
 * Refuses a shared database (DATABASE_URL) with APP_PASSWORD but no SESSION_SECRET: every instance must sign
 * session cookies with the same key, and one the operator sets is the key that cannot differ between them.
 * Returns the reason, or null when the setup is fine.
 */
export function sessionSecretReason(settings: StudioConfig = config()): string | null {
  if (!settings.databaseUrl || !settings.auth.password || settings.auth.sessionSecret) return null;
  return (
    "Refusing to start: APP_PASSWORD is set with DATABASE_URL but SESSION_SECRET is not. Studio instances sharing " +
    "one database must sign sessions with the same key: set SESSION_SECRET to a long random value (for example " +
    "`openssl rand -base64 32`), the same on every instance."
  );
}
