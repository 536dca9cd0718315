import "server-only";
import { hostKind } from "../../net/host-kind";
import { config, type StudioConfig } from "../config";
import { splitHost, type HostName } from "./host-names";

/**
 * Which Host names the studio answers to. A page on any domain can point its own name at 127.0.0.1
 * (DNS rebinding); the browser then calls the studio "same-origin", so only the Host header tells the
 * two apart. Loopback names are always answered: no outside page can be served from them.
 */

export interface HostPolicy {
  /** Any name is answered: a password guards the studio and no ALLOWED_HOSTS list narrows it. */
  any: boolean;
  /** ALLOWED_HOSTS: an entry with a port matches only a Host naming that port. */
  listed: HostName[];
}

/** "localhost" (browsers never ask DNS for it) or a loopback literal; not *.localhost, which some resolvers forward. */
function isLoopbackName(name: string): boolean {
  return name === "localhost" || hostKind(name) === "loopback";
}

/** The policy the configuration sets; without APP_PASSWORD only loopback names and ALLOWED_HOSTS are answered. */
export function hostPolicy(settings: StudioConfig = config()): HostPolicy {
  const listed = settings.edge.allowedHosts;
  return { any: Boolean(settings.auth.password) && listed.length === 0, listed };
}

export function hostAllowed(host: string | null | undefined, policy: HostPolicy): boolean {
  if (policy.any) return true;
  const asked = host ? splitHost(host) : null;
  if (!asked) return false;
  if (isLoopbackName(asked.name)) return true;
  return policy.listed.some((entry) => entry.name === asked.name && (entry.port === null || entry.port === asked.port));
}

/**
 * The name the browser asked for. Behind trusted proxies it is the last X-Forwarded-Host entry (the one
 * the nearest proxy wrote), since the proxy may rewrite Host to its upstream's; otherwise Host alone.
 */
export function requestedHost(
  host: string | null | undefined,
  forwardedHost: string | null | undefined,
  trustedHops: number,
): string | null {
  const forwarded = trustedHops > 0 ? forwardedHost?.split(",").at(-1)?.trim() : undefined;
  return forwarded || host || null;
}
