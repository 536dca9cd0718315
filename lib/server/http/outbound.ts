import "server-only";
import dns from "node:dns";
import { lookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { ipRange } from "../../net/host-kind";

/** A URL the server will not fetch: it leads to a loopback, private, link-local or otherwise non-public address. */
export class BlockedDestination extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BlockedDestination";
  }
}

const MAX_REDIRECTS = 3;

/** Resolves the host and refuses anything but public unicast addresses (metadata endpoints included). */
export async function assertPublicDestination(url: URL): Promise<void> {
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new BlockedDestination(`${url.protocol} links are not fetched`);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses =
    ipRange(host) !== null
      ? [host]
      : (await lookup(host, { all: true, verbatim: true }).catch(() => [])).map((entry) => entry.address);
  if (addresses.length === 0) throw new BlockedDestination(`${url.hostname} does not resolve`);
  for (const address of addresses) assertPublicAddress(url.hostname, address);
}

function assertPublicAddress(hostname: string, address: string): void {
  const range = ipRange(address) ?? "unparsable";
  if (range !== "unicast") throw new BlockedDestination(`${hostname} resolves to a ${range} address (${address})`);
}

/**
 * DNS lookup for the socket itself: the addresses actually connected to are checked too, so a name
 * that answers differently on the second lookup (DNS rebinding) cannot reach a private address.
 */
export const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, "", 4);
    try {
      for (const entry of addresses) assertPublicAddress(hostname, entry.address);
    } catch (blocked) {
      return callback(blocked as NodeJS.ErrnoException, "", 4);
    }
    const first = addresses[0];
    if (options.all) (callback as unknown as (e: null, all: dns.LookupAddress[]) => void)(null, addresses);
    else if (first) callback(null, first.address, first.family);
    else callback(new BlockedDestination(`${hostname} does not resolve`), "", 4);
  });
};

/**
 * Fetches a link the upstream handed back (a result video). The configured Evolink hosts are trusted as
 * they are; any other destination, including every redirect hop, must be a public address, checked
 * before connecting and again at connect time.
 *
 * node:http rather than fetch: a 200 MB result streams through here, and fetch's body stream costs
 * several times more CPU per byte on these machines.
 */
export async function fetchUpstreamLink(
  url: string,
  init: LinkRequest,
  trustedHosts: ReadonlySet<string>,
): Promise<Response> {
  let current = new URL(url);
  for (let hop = 0; ; hop += 1) {
    const trusted = trustedHosts.has(current.host);
    if (!trusted) await assertPublicDestination(current);
    const message = await get(current, init, trusted);
    const location = message.headers.location;
    const status = message.statusCode ?? 502;
    if (status < 300 || status >= 400 || !location) return toResponse(message, status);
    message.destroy();
    if (hop >= MAX_REDIRECTS) throw new BlockedDestination("too many redirects");
    current = new URL(location, current);
  }
}

export interface LinkRequest {
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

function get(url: URL, init: LinkRequest, trusted: boolean): Promise<IncomingMessage> {
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new BlockedDestination(`${url.protocol} links are not fetched`);
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(
      url,
      { headers: init.headers, signal: init.signal, ...(trusted ? {} : { lookup: publicOnlyLookup }) },
      resolve,
    );
    request.on("error", reject);
  });
}

function toResponse(message: IncomingMessage, status: number): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(message.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const bodyless = status === 204 || status === 304;
  if (bodyless) message.resume();
  return new Response(bodyless ? null : webBody(message), { status, headers });
}

// What the body may run ahead of the reader before the socket is paused.
const BODY_BUFFER_BYTES = 1024 * 1024;

/**
 * The body as a web stream that passes each socket chunk on as it is. Readable.toWeb copies every
 * chunk (it guards against pooled buffers, which socket reads are not): a second 200 MB of garbage
 * per streamed result.
 */
function webBody(message: IncomingMessage): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const settle = (error?: Error) => {
          if (settled) return;
          settled = true;
          if (error) controller.error(error);
          else controller.close();
        };
        message.on("data", (chunk: Buffer) => {
          // A cancelled reader can still be sent a chunk the socket had already delivered.
          if (settled) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) message.pause();
        });
        message.once("end", () => settle());
        message.once("error", (error) => settle(error));
        // A complete body still ends with "end" once the reader has taken it all.
        message.once("close", () => {
          if (!message.complete) settle(new Error("the connection closed before the body ended"));
        });
      },
      pull() {
        message.resume();
      },
      cancel() {
        settled = true;
        message.destroy();
      },
    },
    { highWaterMark: BODY_BUFFER_BYTES, size: (chunk) => chunk.byteLength },
  );
}
