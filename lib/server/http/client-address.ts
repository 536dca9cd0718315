import "server-only";
import { randomBytes, timingSafeEqual } from "node:crypto";
import ipaddr from "ipaddr.js";
import { config, type StudioConfig } from "../config";

/**
 * Who the client is, for the per-client budgets. A client chooses its own X-Forwarded-For, so only the
 * socket's address counts, unless the operator says how many proxies in front of the studio append to it.
 */

/** The private header the HTTP edge (http-edge.ts) writes on every request; any copy a client sent is replaced. */
export const CLIENT_ADDRESS_HEADER = "x-studio-client-address";

/** TRUST_PROXY_HOPS: how many reverse proxies in front of the studio append to X-Forwarded-For (default 0). */
export function trustedProxyHops(settings: StudioConfig = config()): number {
  return settings.edge.trustProxyHops;
}

/** An address in one spelling (IPv4-mapped IPv6 as IPv4, brackets and ports dropped); a non-address as given, capped. */
function normalized(entry: string): string {
  const bare =
    /^\[([^\]]+)\](?::\d+)?$/.exec(entry)?.[1] ?? /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(entry)?.[1] ?? entry;
  return ipaddr.isValid(bare) ? ipaddr.process(bare).toString() : bare.slice(0, 64);
}

/**
 * The client address: the socket's when no proxy is trusted; with N trusted proxies, the Nth address
 * from the right of [X-Forwarded-For…, socket] (each trusted proxy appended the one before it), and the
 * leftmost given when the chain is shorter (a request that came through fewer proxies than configured).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | undefined,
  hops: number,
): string {
  const socket = socketAddress ? normalized(socketAddress) : "unknown";
  if (hops === 0) return socket;
  const chain = [
    ...(forwardedFor ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map(normalized),
    socket,
  ];
  return chain[Math.max(0, chain.length - 1 - hops)] ?? socket;
}

// One secret per process, shared by every bundle that loads this module (instrumentation and routes), so
// a stamp is recognised only if this process's edge wrote it: a client that reaches a route some other
// way (a request that arrived before the edge was attached) cannot pick its budget by sending the header.
const globalForStamp = globalThis as typeof globalThis & { __clientAddressSecret?: string };
const secret = (globalForStamp.__clientAddressSecret ??= randomBytes(18).toString("base64url"));

/** The header value the edge writes: the address and this process's secret. */
export function clientAddressStamp(address: string): string {
  return `${address} ${secret}`;
}

/** The address in a stamp this process wrote, else null. */
export function stampedClientAddress(value: string | null): string | null {
  const at = value?.lastIndexOf(" ") ?? -1;
  if (!value || at < 0) return null;
  const given = Buffer.from(value.slice(at + 1));
  const expected = Buffer.from(secret);
  return given.length === expected.length && timingSafeEqual(given, expected) ? value.slice(0, at) : null;
}

/** What a budget is kept per: the address, and for IPv6 its /64, which one subscriber commonly holds whole. */
export function budgetKey(address: string): string {
  if (!ipaddr.IPv6.isValid(address) || ipaddr.IPv4.isValid(address)) return address;
  const parts = ipaddr.IPv6.parse(address).parts.slice(0, 4);
  return `${parts.map((part) => part.toString(16)).join(":")}::/64`;
}
