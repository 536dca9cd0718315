// Which hosts are public: the one answer the form, PUBLIC_BASE_URL, the outbound guard, the start-up binding check,
// the allowed Host names and the simulator's callback check all share. Dependency-free because the form runs it in
// the browser: the platform's URL parser canonicalises the address (decimal, hex and octal IPv4, IPv6 compression),
// so only canonical forms are read here. The ranges and their names are ipaddr.js's (IANA special-purpose
// registries), so messages name a range the way the server's always have.

/** What a host is, as far as reaching it goes. Names are judged without DNS: "public" may still resolve privately. */
export type HostKind =
  | "public"
  | "loopback"
  | "private"
  | "link-local"
  | "unspecified"
  | "special" // every other special-purpose range: multicast, broadcast, documentation, benchmarking, 6to4…
  | "localhost-name" // localhost and *.localhost
  | "local-name"; // names that resolve only on a local network: dotless, .local, .internal, .lan…

type Range = readonly [name: string, first: readonly number[], bits: number];

// In ipaddr.js's order: the first match names the range (teredo before the reserved 2001::/23 holding it).
const IPV4_RANGES: readonly Range[] = [
  ["unspecified", [0, 0, 0, 0], 8],
  ["broadcast", [255, 255, 255, 255], 32],
  ["multicast", [224, 0, 0, 0], 4],
  ["linkLocal", [169, 254, 0, 0], 16],
  ["loopback", [127, 0, 0, 0], 8],
  ["carrierGradeNat", [100, 64, 0, 0], 10],
  ["private", [10, 0, 0, 0], 8],
  ["private", [172, 16, 0, 0], 12],
  ["private", [192, 168, 0, 0], 16],
  ["reserved", [192, 0, 0, 0], 24],
  ["reserved", [192, 0, 2, 0], 24],
  ["reserved", [192, 88, 99, 0], 24],
  ["reserved", [198, 18, 0, 0], 15],
  ["reserved", [198, 51, 100, 0], 24],
  ["reserved", [203, 0, 113, 0], 24],
  ["reserved", [240, 0, 0, 0], 4],
  ["as112", [192, 175, 48, 0], 24],
  ["as112", [192, 31, 196, 0], 24],
  ["amt", [192, 52, 193, 0], 24],
];

const IPV6_RANGES: readonly Range[] = [
  ["unspecified", [0, 0, 0, 0, 0, 0, 0, 0], 128],
  ["linkLocal", [0xfe80, 0, 0, 0, 0, 0, 0, 0], 10],
  ["multicast", [0xff00, 0, 0, 0, 0, 0, 0, 0], 8],
  ["loopback", [0, 0, 0, 0, 0, 0, 0, 1], 128],
  ["uniqueLocal", [0xfc00, 0, 0, 0, 0, 0, 0, 0], 7],
  ["deprecatedSiteLocal", [0xfec0, 0, 0, 0, 0, 0, 0, 0], 10],
  ["discard", [0x100, 0, 0, 0, 0, 0, 0, 0], 64],
  ["rfc6145", [0, 0, 0, 0, 0xffff, 0, 0, 0], 96],
  ["rfc6052", [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96],
  ["rfc6052", [0x64, 0xff9b, 0x1, 0, 0, 0, 0, 0], 48],
  ["6to4", [0x2002, 0, 0, 0, 0, 0, 0, 0], 16],
  ["teredo", [0x2001, 0, 0, 0, 0, 0, 0, 0], 32],
  ["benchmarking", [0x2001, 0x2, 0, 0, 0, 0, 0, 0], 48],
  ["amt", [0x2001, 0x3, 0, 0, 0, 0, 0, 0], 32],
  ["as112v6", [0x2001, 0x4, 0x112, 0, 0, 0, 0, 0], 48],
  ["as112v6", [0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0], 48],
  ["deprecatedOrchid", [0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28],
  ["orchid2", [0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28],
  ["droneRemoteIdProtocolEntityTags", [0x2001, 0x30, 0, 0, 0, 0, 0, 0], 28],
  ["segmentRouting", [0x5f00, 0, 0, 0, 0, 0, 0, 0], 16],
  ["reserved", [0x2001, 0, 0, 0, 0, 0, 0, 0], 23],
  ["reserved", [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32],
  ["reserved", [0x3fff, 0, 0, 0, 0, 0, 0, 0], 20],
];

function rangeOf(parts: readonly number[], partBits: number, ranges: readonly Range[]): string {
  const inRange = ([, first, bits]: Range) =>
    first.every((value, i) => {
      const kept = Math.min(Math.max(bits - i * partBits, 0), partBits);
      const shift = partBits - kept;
      return kept === 0 || (parts[i] ?? 0) >>> shift === value >>> shift;
    });
  return ranges.find(inRange)?.[0] ?? "unicast";
}

/** The URL parser's canonical form of an IP literal ("7f00:1"-style IPv6 without brackets), or null for a name. */
function canonicalAddress(host: string): { v4: number[] } | { v6: number[] } | null {
  const bare = host.replace(/^\[|\]$/g, "").replace(/%.*$/, ""); // a zone id (fe80::1%eth0) does not change the range
  const ipv6 = bare.includes(":");
  if (!(ipv6 ? /^[0-9a-f:.]+$/i : /^[0-9a-fx.]+$/i).test(bare)) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${ipv6 ? `[${bare}]` : bare}/`).hostname;
  } catch {
    return null;
  }
  if (ipv6) {
    const [head = "", tail] = hostname.slice(1, -1).split("::");
    const groups = (text: string) => (text ? text.split(":").map((group) => parseInt(group, 16)) : []);
    const before = groups(head);
    const after = tail === undefined ? [] : groups(tail);
    return { v6: [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after] };
  }
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) ? { v4: hostname.split(".").map(Number) } : null;
}

/**
 * The special range an IP literal belongs to, by ipaddr.js's names ("loopback", "private", "linkLocal",
 * "uniqueLocal", "carrierGradeNat"…), or "unicast" for a public one; null when `host` is not an IP literal.
 * Accepts brackets, IPv4-mapped IPv6 (judged as the IPv4 address) and every IPv4 form a URL accepts.
 */
export function ipRange(host: string): string | null {
  const address = canonicalAddress(host);
  if (!address) return null;
  if ("v4" in address) return rangeOf(address.v4, 8, IPV4_RANGES);
  const [a, b, c, d, e, f, g = 0, h = 0] = address.v6;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && f === 0xffff) {
    return rangeOf([g >> 8, g & 0xff, h >> 8, h & 0xff], 8, IPV4_RANGES);
  }
  return rangeOf(address.v6, 16, IPV6_RANGES);
}

/** Names that only ever resolve on the local machine or network, whatever DNS says elsewhere. */
export function isLocalOnlyName(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return !host.includes(".") || /(^|\.)(localhost|local|internal|home\.arpa|localdomain|lan)$/.test(host);
}

const KIND_OF_RANGE: Record<string, HostKind> = {
  unicast: "public",
  loopback: "loopback",
  private: "private",
  uniqueLocal: "private",
  carrierGradeNat: "private",
  linkLocal: "link-local",
  unspecified: "unspecified",
};

export function hostKind(hostname: string): HostKind {
  const range = ipRange(hostname);
  if (range !== null) return KIND_OF_RANGE[range] ?? "special";
  const name = hostname.toLowerCase().replace(/\.$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return "localhost-name";
  return isLocalOnlyName(name) ? "local-name" : "public";
}

/**
 * Why a host cannot be reached from the internet, judged without DNS: the IP literal's range, "local-only" for a
 * local name, or null when it may be public. Evolink refuses private targets (CONTRACT.md, "Callbacks").
 */
export function nonPublicHost(hostname: string): string | null {
  const range = ipRange(hostname);
  if (range !== null) return range === "unicast" ? null : range;
  return isLocalOnlyName(hostname) ? "local-only" : null;
}

export type PublicHttpsUrlProblem =
  | { problem: "not-a-url" }
  | { problem: "not-https" }
  | { problem: "credentials" }
  | { problem: "non-public-host"; url: URL; range: string };

/**
 * Whether Evolink can fetch or call `raw`: an https URL without credentials whose host may be public (CONTRACT.md,
 * "The create request" for references, "Callbacks" for callback URLs). The parsed URL, or the problem.
 */
export function checkPublicHttpsUrl(raw: string): { problem: null; url: URL } | PublicHttpsUrlProblem {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { problem: "not-a-url" };
  }
  if (url.protocol !== "https:") return { problem: "not-https" };
  if (url.username || url.password) return { problem: "credentials" };
  const range = nonPublicHost(url.hostname);
  return range ? { problem: "non-public-host", url, range } : { problem: null, url };
}
