import "server-only";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import https from "node:https";
import net from "node:net";
import type { Duplex } from "node:stream";
import { unsafeBindingReason } from "../deployment-check";
import { config, type StudioConfig } from "../config";
import { studioError } from "../../errors";
import { hostAllowed, hostPolicy, requestedHost, type HostPolicy } from "./allowed-hosts";
import { CLIENT_ADDRESS_HEADER, clientAddress, clientAddressStamp, trustedProxyHops } from "./client-address";
import { storageOrigins, widenPolicy } from "../storage/settings";

/**
 * The studio's HTTP edge, in front of Next on the node http server itself: Next hands route handlers a
 * web Request without the socket, and a proxy (middleware) would buffer upload bodies. For every request,
 * before Next does any work (pages, static files and API routes alike), it refuses Host names the studio
 * does not answer to, and records the client address for the budgets. It also checks the address each
 * server really listens on.
 */

export interface EdgeSettings {
  hosts: HostPolicy;
  hops: number;
  /** The bucket's origin with STORAGE_URL: the page's policy must let it upload there and play from there. */
  storageOrigins?: string[];
}

/** ALLOWED_HOSTS, TRUST_PROXY_HOPS and the bucket's origin, as the configuration parsed them. */
export function edgeSettings(settings: StudioConfig = config()): EdgeSettings {
  return {
    hosts: hostPolicy(settings),
    hops: trustedProxyHops(settings),
    storageOrigins: storageOrigins(settings.storage),
  };
}

/**
 * next.config.ts's policy is fixed at build time; the bucket is chosen at start. Its origin is added to the
 * policy as Next sets it on each answer.
 */
function allowStorageOrigins(response: ServerResponse, origins: readonly string[]): void {
  const setHeader = response.setHeader.bind(response);
  response.setHeader = function setWidened(name: string, value: number | string | readonly string[]) {
    const widened = name.toLowerCase() === "content-security-policy" ? widenPolicy(String(value), origins) : value;
    return setHeader(name, widened);
  } as typeof response.setHeader;
}

// Without a trusted proxy these are the client's own words; dropped, Next sets them from the socket.
const FORWARDED_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port"];

type HttpServer = http.Server | https.Server;

const globalForEdge = globalThis as typeof globalThis & {
  __httpEdge?: { servers: WeakSet<HttpServer>; watching: boolean };
};
const edge = (globalForEdge.__httpEdge ??= { servers: new WeakSet(), watching: false });

const isHttpServer = (handle: unknown): handle is HttpServer =>
  handle instanceof http.Server || handle instanceof https.Server;

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

function refuseHost(request: IncomingMessage, response: ServerResponse, host: string | null): void {
  const shown = (host ?? "").replace(/[^\x21-\x7e]/g, "").slice(0, 100) || "(none)";
  const detail = `The request named the host "${shown}"; this studio answers at http://localhost:${request.socket.localPort ?? ""}.`;
  const error = studioError("host_not_allowed", detail);
  const api = (request.url ?? "").startsWith("/api/");
  const body = api ? JSON.stringify({ error }) : `${error.message}\n${detail}\n${error.action}\n`;
  response.writeHead(421, {
    "Content-Type": api ? "application/json" : "text/plain; charset=utf-8",
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    // The body may still be arriving; nothing more is read from this connection.
    Connection: "close",
  });
  response.end(body);
}

/** True when the request may go on to Next (with its client address stamped); otherwise it has been answered. */
export function admitRequest(request: IncomingMessage, response: ServerResponse, settings: EdgeSettings): boolean {
  const headers = request.headers;
  const host = requestedHost(headers.host, headerValue(headers["x-forwarded-host"]), settings.hops);
  if (!hostAllowed(host, settings.hosts)) {
    refuseHost(request, response, host);
    return false;
  }
  if (settings.hops === 0) for (const name of FORWARDED_HEADERS) delete headers[name];
  const address = clientAddress(request.socket.remoteAddress, headerValue(headers["x-forwarded-for"]), settings.hops);
  headers[CLIENT_ADDRESS_HEADER] = clientAddressStamp(address);
  if (settings.storageOrigins?.length) allowStorageOrigins(response, settings.storageOrigins);
  return true;
}

function admitUpgrade(request: IncomingMessage, socket: Duplex, settings: EdgeSettings): boolean {
  if (
    hostAllowed(
      requestedHost(request.headers.host, headerValue(request.headers["x-forwarded-host"]), settings.hops),
      settings.hosts,
    )
  ) {
    return true;
  }
  socket.end("HTTP/1.1 421 Misdirected Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
  return false;
}

/** Puts the edge in front of one server's listeners and checks its address now and whenever it listens again. */
export function attachHttpEdge(server: HttpServer, settings: EdgeSettings, refuse: (reason: string) => void): void {
  if (edge.servers.has(server)) return;
  edge.servers.add(server);
  const checkBinding = () => {
    const reason = unsafeBindingReason(server.address());
    if (reason) refuse(reason);
  };
  server.on("listening", checkBinding);
  if (server.listening) checkBinding();
  // Wrapping emit (rather than adding a listener) lets the edge stop a request before any listener sees it.
  const emit = server.emit;
  server.emit = function emitThroughEdge(this: HttpServer, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request" && !admitRequest(args[0] as IncomingMessage, args[1] as ServerResponse, settings))
      return true;
    if (event === "upgrade" && !admitUpgrade(args[0] as IncomingMessage, args[1] as Duplex, settings)) return true;
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof server.emit;
}

/**
 * Attaches the edge to the HTTP servers of this process. `next start` and `next dev` listen before they
 * run instrumentation, so the servers listening now are Next's; a server that only starts listening
 * later (a custom server that prepares Next first) is attached when it calls listen().
 */
export function installHttpEdge(settings: EdgeSettings, refuse: (reason: string) => void): void {
  // Undocumented but long-standing: the only way to reach a server Next created and keeps to itself.
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const servers = handles.filter(isHttpServer).filter((server) => server.listening);
  for (const server of servers) attachHttpEdge(server, settings, refuse);
  if (servers.length > 0 || edge.watching) return;
  edge.watching = true;
  const listen = net.Server.prototype.listen;
  net.Server.prototype.listen = function listenBehindEdge(this: net.Server, ...args: unknown[]): net.Server {
    if (isHttpServer(this)) attachHttpEdge(this, settings, refuse);
    return Reflect.apply(listen, this, args) as net.Server;
  } as typeof listen;
}
