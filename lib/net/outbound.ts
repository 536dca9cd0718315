import "server-only";
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";

/** A URL the server will not fetch: it leads to a loopback, private, link-local or otherwise non-public address. */
export class BlockedDestination extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockedDestination";
  }
}

const MAX_REDIRECTS = 3;

/** The special range an IP address belongs to (loopback, private, linkLocal…), or null for a public unicast one. */
export function nonPublicRange(address: string): string | null {
  const range = ipaddr.process(address).range();
  return range === "unicast" ? null : range;
}

/** Names that only ever resolve on the local machine or network, whatever DNS says elsewhere. */
export function isLocalOnlyName(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return !host.includes(".") || /(^|\.)(localhost|local|internal|home\.arpa|localdomain|lan)$/.test(host);
}

/** Resolves the host and refuses anything but public unicast addresses (metadata endpoints included). */
export async function assertPublicDestination(url: URL): Promise<void> {
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BlockedDestination(`${url.protocol} links are not fetched`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = ipaddr.isValid(host)
    ? [host]
    : (await lookup(host, { all: true, verbatim: true }).catch(() => [])).map((entry) => entry.address);
  if (addresses.length === 0) throw new BlockedDestination(`${url.hostname} does not resolve`);
  for (const address of addresses) {
    const range = nonPublicRange(address);
    if (range) throw new BlockedDestination(`${url.hostname} resolves to a ${range} address (${address})`);
  }
}

/**
 * Fetches a link the upstream handed back (a result video). The configured Evolink hosts are trusted as
 * they are; any other destination, including every redirect hop, must be a public address.
 */
export async function fetchUpstreamLink(url: string, init: RequestInit, trustedHosts: ReadonlySet<string>): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop += 1) {
    if (!trustedHosts.has(current.host)) await assertPublicDestination(current);
    const response = await fetch(current, { ...init, redirect: "manual" });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || !location) return response;
    await response.body?.cancel();
    if (hop >= MAX_REDIRECTS) throw new BlockedDestination("too many redirects");
    current = new URL(location, current);
  }
}
