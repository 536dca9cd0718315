import "server-only";
import { hostKind } from "../../net/host-kind";

/**
 * Which Host names the studio answers to. A page on any domain can point its own name at 127.0.0.1
 * (DNS rebinding); the browser then calls the studio "same-origin", so only the Host header tells the
 * two apart. Loopback names are always answered: no outside page can be served from them.
 */

/** A host name (lower case, IPv6 literals in brackets, no trailing dot) and the port named with it, if any. */
export interface HostName {
  name: string;
  port: string | null;
}

export interface HostPolicy {
  /** Any name is answered: a password guards the studio and no ALLOWED_HOSTS list narrows it. */
  any: boolean;
  /** ALLOWED_HOSTS: an entry with a port matches only a Host naming that port. */
  listed: HostName[];
}

const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)\.?(?::(\d{1,5}))?$/;

/** Splits a Host header value (or an ALLOWED_HOSTS entry) into name and port; null when it is neither. */
export function splitHost(value: string): HostName | null {
  const match = HOST_PATTERN.exec(value.trim().toLowerCase());
  if (!match) return null;
  const [, name = "", port = null] = match;
  if (port !== null && (Number(port) < 1 || Number(port) > 65535)) return null;
  return { name, port };
}

/** "localhost" (browsers never ask DNS for it) or a loopback literal; not *.localhost, which some resolvers forward. */
function isLoopbackName(name: string): boolean {
  return name === "localhost" || hostKind(name) === "loopback";
}

/** ALLOWED_HOSTS: comma-separated names, each optionally with :port. Throws a message naming a bad entry. */
export function parseAllowedHosts(value: string | undefined): HostName[] {
  const entries = (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const host = splitHost(entry);
    if (!host) {
      throw new Error(
        `ALLOWED_HOSTS has an entry that is not a host name or host:port: "${entry}". ` +
          `List names the way browsers send them, e.g. ALLOWED_HOSTS=studio.example.com,studio.lan:3000.`,
      );
    }
    return host;
  });
}

let cached: { key: string; policy: HostPolicy } | null = null;

/** The policy the environment sets; without APP_PASSWORD only loopback names and ALLOWED_HOSTS are answered. */
export function hostPolicy(env: NodeJS.ProcessEnv = process.env): HostPolicy {
  const key = `${env.APP_PASSWORD ? "gated" : "open"}|${env.ALLOWED_HOSTS ?? ""}`;
  if (cached?.key !== key) {
    const listed = parseAllowedHosts(env.ALLOWED_HOSTS);
    cached = { key, policy: { any: Boolean(env.APP_PASSWORD) && listed.length === 0, listed } };
  }
  return cached.policy;
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
