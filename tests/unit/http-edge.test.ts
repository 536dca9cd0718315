import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { hostAllowed, hostPolicy, requestedHost } from "@/lib/server/http/allowed-hosts";
import { parseAllowedHosts, splitHost } from "@/lib/server/http/host-names";
import { loadConfig } from "@/lib/server/config";
import {
  budgetKey,
  CLIENT_ADDRESS_HEADER,
  clientAddress,
  clientAddressStamp,
  stampedClientAddress,
  trustedProxyHops,
} from "@/lib/server/http/client-address";
import { attachHttpEdge, edgeSettings, installHttpEdge, type EdgeSettings } from "@/lib/server/http/edge";
import { clientKey } from "@/lib/server/http/rate-limit";

const env = (values: Record<string, string>) => loadConfig(values as NodeJS.ProcessEnv);

describe("allowed hosts", () => {
  it("splits Host values into a lower-case name and port, and rejects what is not a host", () => {
    expect(splitHost("Studio.Example.com:8443")).toEqual({ name: "studio.example.com", port: "8443" });
    expect(splitHost("localhost.")).toEqual({ name: "localhost", port: null });
    expect(splitHost("[::1]:3000")).toEqual({ name: "[::1]", port: "3000" });
    for (const bad of [
      "",
      "http://x.example",
      "x.example/path",
      "a b",
      "x.example:0",
      "x.example:70000",
      "user@x.example",
      "::1",
    ]) {
      expect(splitHost(bad)).toBeNull();
    }
  });

  it("without a password answers loopback names only, on any port, plus ALLOWED_HOSTS", () => {
    const open = hostPolicy(env({}));
    for (const host of ["localhost", "localhost:3000", "127.0.0.1:3210", "127.0.0.2", "[::1]:80", "LOCALHOST:1"]) {
      expect(hostAllowed(host, open)).toBe(true);
    }
    for (const host of [
      "rebind.attacker.example",
      "rebind.attacker.example:3000",
      "0.0.0.0:3000",
      "localhost.attacker.example",
      "10.0.0.5",
      "",
      null,
      undefined,
    ]) {
      expect(hostAllowed(host, open)).toBe(false);
    }
    const listed = hostPolicy(env({ ALLOWED_HOSTS: " studio.lan , box.example.com:8443," }));
    expect(hostAllowed("studio.lan", listed)).toBe(true);
    expect(hostAllowed("studio.lan:3000", listed)).toBe(true);
    expect(hostAllowed("box.example.com:8443", listed)).toBe(true);
    expect(hostAllowed("box.example.com", listed)).toBe(false);
    expect(hostAllowed("box.example.com:443", listed)).toBe(false);
    expect(hostAllowed("evil.studio.lan", listed)).toBe(false);
  });

  it("with a password answers any name, unless ALLOWED_HOSTS narrows it", () => {
    expect(hostAllowed("anything.example", hostPolicy(env({ APP_PASSWORD: "pw" })))).toBe(true);
    const narrowed = hostPolicy(env({ APP_PASSWORD: "pw", ALLOWED_HOSTS: "studio.example.com" }));
    expect(hostAllowed("studio.example.com", narrowed)).toBe(true);
    expect(hostAllowed("localhost:3000", narrowed)).toBe(true);
    expect(hostAllowed("rebind.attacker.example", narrowed)).toBe(false);
  });

  it("refuses a malformed ALLOWED_HOSTS entry with a message naming it", () => {
    expect(() => parseAllowedHosts("studio.lan,https://studio.example.com")).toThrow(
      /"https:\/\/studio\.example\.com"/,
    );
    expect(() => edgeSettings(env({ ALLOWED_HOSTS: "a b" }))).toThrow(/ALLOWED_HOSTS has an entry/);
  });

  it("reads X-Forwarded-Host only behind trusted proxies, and then the nearest proxy's entry", () => {
    expect(requestedHost("127.0.0.1:3000", "rebind.attacker.example", 0)).toBe("127.0.0.1:3000");
    expect(requestedHost("127.0.0.1:3000", "studio.example.com", 1)).toBe("studio.example.com");
    expect(requestedHost("127.0.0.1:3000", "forged.example, studio.example.com", 1)).toBe("studio.example.com");
    expect(requestedHost("127.0.0.1:3000", undefined, 1)).toBe("127.0.0.1:3000");
  });
});

describe("client address", () => {
  it("is the socket's without trusted proxies, whatever X-Forwarded-For says", () => {
    expect(clientAddress("::ffff:127.0.0.1", "203.0.113.9", 0)).toBe("127.0.0.1");
    expect(clientAddress("10.1.2.3", "203.0.113.9, 198.51.100.1", 0)).toBe("10.1.2.3");
    expect(clientAddress(undefined, "203.0.113.9", 0)).toBe("unknown");
  });

  it("with N trusted proxies is the Nth from the right of [X-Forwarded-For…, socket], the leftmost when short", () => {
    const chain = "198.51.100.7, 203.0.113.9, 192.0.2.4";
    expect(clientAddress("10.0.0.1", chain, 1)).toBe("192.0.2.4");
    expect(clientAddress("10.0.0.1", chain, 2)).toBe("203.0.113.9");
    expect(clientAddress("10.0.0.1", chain, 3)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.1", chain, 5)).toBe("198.51.100.7");
    expect(clientAddress("10.0.0.1", undefined, 1)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", " , ", 1)).toBe("10.0.0.1");
    expect(clientAddress("10.0.0.1", "[2001:db8::1]:4711", 1)).toBe("2001:db8::1");
    expect(clientAddress("10.0.0.1", "192.0.2.4:5555", 1)).toBe("192.0.2.4");
  });

  it("reads TRUST_PROXY_HOPS as 0–10 and refuses anything else with a message", () => {
    expect(trustedProxyHops(env({}))).toBe(0);
    expect(trustedProxyHops(env({ TRUST_PROXY_HOPS: " 2 " }))).toBe(2);
    for (const bad of ["-1", "1.5", "11", "yes", "true"]) {
      expect(() => trustedProxyHops(env({ TRUST_PROXY_HOPS: bad }))).toThrow(
        /TRUST_PROXY_HOPS must be a whole number from 0 to 10/,
      );
    }
  });

  it("keys budgets on the edge's stamp only: a client's own header or a forged stamp shares one budget", () => {
    const stamped = (value: string) => new Request("http://s/", { headers: { [CLIENT_ADDRESS_HEADER]: value } });
    expect(clientKey(stamped(clientAddressStamp("203.0.113.9")))).toBe("203.0.113.9");
    expect(clientKey(stamped("203.0.113.9"))).toBe("unstamped");
    expect(clientKey(stamped(`203.0.113.9 ${"x".repeat(24)}`))).toBe("unstamped");
    expect(clientKey(new Request("http://s/", { headers: { "x-forwarded-for": "203.0.113.9" } }))).toBe("unstamped");
    expect(stampedClientAddress(null)).toBeNull();
  });

  it("keeps IPv6 budgets per /64", () => {
    expect(budgetKey("2001:db8:1:2:aaaa::1")).toBe(budgetKey("2001:db8:1:2:ffff::9"));
    expect(budgetKey("2001:db8:1:2::1")).not.toBe(budgetKey("2001:db8:1:3::1"));
    expect(budgetKey("192.0.2.4")).toBe("192.0.2.4");
  });
});

describe("the edge on a real http server", () => {
  let server: Server | null = null;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  async function serve(
    settings: EdgeSettings,
  ): Promise<{ port: number; seen: Array<Record<string, string | string[] | undefined>> }> {
    const seen: Array<Record<string, string | string[] | undefined>> = [];
    server = createServer((request, response) => {
      seen.push({ ...request.headers });
      response.end("next");
    });
    attachHttpEdge(server, settings, (reason) => {
      throw new Error(reason);
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, seen };
  }

  function send(
    port: number,
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; type: string; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
        response.on("end", () =>
          resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]), body }),
        );
      });
      request.on("error", reject);
      request.end("{}");
    });
  }

  it("answers a foreign Host with the catalog's 421 before any listener runs", async () => {
    const { port, seen } = await serve(edgeSettings(env({})));
    const api = await send(port, "/api/generations", {
      host: "rebind.attacker.example",
      origin: "http://rebind.attacker.example",
    });
    expect(api.status).toBe(421);
    expect(api.type).toBe("application/json");
    const { error } = JSON.parse(api.body);
    expect(error).toMatchObject({
      code: "host_not_allowed",
      message: "This studio does not answer to this host name.",
      retryable: false,
    });
    expect(error.detail).toContain('"rebind.attacker.example"');
    const page = await send(port, "/", { host: "rebind.attacker.example:3000" });
    expect(page.status).toBe(421);
    expect(page.type).toMatch(/^text\/plain/);
    expect(page.body).toContain("ALLOWED_HOSTS");
    expect(seen).toHaveLength(0);
  });

  it("stamps the socket address, replacing a forged stamp and dropping X-Forwarded-* without trusted proxies", async () => {
    const { port, seen } = await serve(edgeSettings(env({})));
    const forged = {
      host: `127.0.0.1:${port}`,
      [CLIENT_ADDRESS_HEADER]: "198.51.100.1",
      "x-forwarded-for": "203.0.113.9",
      "x-forwarded-host": "x.example",
    };
    expect((await send(port, "/api/tasks", forged)).body).toBe("next");
    const [headers] = seen;
    expect(stampedClientAddress(String(headers?.[CLIENT_ADDRESS_HEADER]))).toBe("127.0.0.1");
    expect(headers?.["x-forwarded-for"]).toBeUndefined();
    expect(headers?.["x-forwarded-host"]).toBeUndefined();
  });

  it("behind one trusted proxy keys on the last X-Forwarded-For hop and checks X-Forwarded-Host", async () => {
    const { port, seen } = await serve(
      edgeSettings(env({ TRUST_PROXY_HOPS: "1", ALLOWED_HOSTS: "studio.example.com" })),
    );
    const viaProxy = {
      host: `127.0.0.1:${port}`,
      "x-forwarded-for": "198.51.100.1, 203.0.113.9",
      "x-forwarded-host": "studio.example.com",
    };
    expect((await send(port, "/api/tasks", viaProxy)).status).toBe(200);
    expect(stampedClientAddress(String(seen[0]?.[CLIENT_ADDRESS_HEADER]))).toBe("203.0.113.9");
    expect(
      (await send(port, "/api/tasks", { ...viaProxy, "x-forwarded-host": "rebind.attacker.example" })).status,
    ).toBe(421);
  });

  it("refuses to run on a public address without a password, checked whenever the server listens", () => {
    server = null;
    const unbound = createServer();
    const refusals: string[] = [];
    attachHttpEdge(unbound, edgeSettings(env({})), (reason) => refusals.push(reason));
    // Stands in for a bind to every interface, which a unit test should not open.
    unbound.address = () => ({ address: "0.0.0.0", family: "IPv4", port: 3000 });
    unbound.emit("listening");
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(/Refusing to listen on 0\.0\.0\.0 \(every interface\) without APP_PASSWORD/);
  });

  // Last in this file: the fallback patches listen() for the rest of this worker.
  it("attaches to a server that starts listening only after the edge is installed", async () => {
    installHttpEdge(edgeSettings(env({})), (reason) => {
      throw new Error(reason);
    });
    server = createServer((_request, response) => response.end("next"));
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    expect((await send(port, "/api/tasks", { host: "rebind.attacker.example" })).status).toBe(421);
    expect((await send(port, "/api/tasks", { host: `localhost:${port}` })).body).toBe("next");
  });
});

describe("the edge and the page's policy", () => {
  const policyFrom = async (settings: EdgeSettings): Promise<string | null> => {
    const server = createServer((_request, response) => {
      response.setHeader("Content-Security-Policy", "default-src 'self'; connect-src 'self'; media-src 'self' blob:");
      response.end("next");
    });
    attachHttpEdge(server, settings, (reason) => {
      throw new Error(reason);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const answer = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      return answer.headers.get("content-security-policy");
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  };

  it("adds the bucket's origin with STORAGE_URL (uploads and playback from the bucket), and nothing without", async () => {
    const withBucket = edgeSettings(
      env({ STORAGE_URL: "s3://media/studio", AWS_ENDPOINT_URL_S3: "http://127.0.0.1:5711" }),
    );
    expect(await policyFrom(withBucket)).toBe(
      "default-src 'self'; connect-src 'self' http://127.0.0.1:5711; media-src 'self' blob: http://127.0.0.1:5711",
    );
    expect(await policyFrom(edgeSettings(env({ STORAGE_URL: "s3://media", AWS_REGION: "eu-west-1" })))).toContain(
      "connect-src 'self' https://media.s3.eu-west-1.amazonaws.com",
    );
    expect(await policyFrom(edgeSettings(env({})))).toBe(
      "default-src 'self'; connect-src 'self'; media-src 'self' blob:",
    );
  });
});
