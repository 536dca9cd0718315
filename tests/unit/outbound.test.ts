import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertPublicDestination,
  BlockedDestination,
  fetchUpstreamLink,
  publicOnlyLookup,
} from "@/lib/server/http/outbound";

// A trusted local "upstream" that redirects wherever the test asks; private targets are refused before any connection.
let server: Server;
let origin = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const target = url.searchParams.get("to");
    if (url.pathname === "/big") sendBig(res);
    else if (url.pathname === "/cut")
      res.writeHead(200, { "Content-Length": "1000" }).write(Buffer.alloc(400), () => res.destroy());
    else if (url.pathname === "/endless") sendEndless(res);
    else if (target) res.writeHead(302, { Location: target }).end();
    else if (req.headers.range) res.writeHead(206, { "Content-Type": "text/plain" }).end(`range ${req.headers.range}`);
    else res.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const BIG = randomBytes(8 * 1024 * 1024 + 17);

function sendBig(res: ServerResponse): void {
  res.writeHead(200, { "Content-Length": String(BIG.length) });
  res.end(BIG);
}

let endlessClosed: Promise<unknown> = Promise.resolve();

function sendEndless(res: ServerResponse): void {
  endlessClosed = once(res, "close");
  res.writeHead(200);
  const more = () => {
    while (!res.destroyed && res.write(Buffer.alloc(64 * 1024)));
    if (!res.destroyed) res.once("drain", more);
  };
  more();
}

describe("destinations", () => {
  for (const url of [
    "http://127.0.0.1/x",
    "http://localhost/x",
    "http://10.1.2.3/x",
    "http://172.16.0.1/x",
    "http://192.168.1.1/x",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/x",
    "http://0.0.0.0/x",
    "http://[::1]/x",
    "http://[fd00::1]/x",
    "http://[fe80::1]/x",
    "http://[::ffff:127.0.0.1]/x",
    "file:///etc/passwd",
  ]) {
    it(`refuses ${url}`, async () => {
      await expect(assertPublicDestination(new URL(url))).rejects.toBeInstanceOf(BlockedDestination);
    });
  }

  it("accepts a public address", async () => {
    await expect(assertPublicDestination(new URL("https://8.8.8.8/x"))).resolves.toBeUndefined();
    await expect(assertPublicDestination(new URL("https://[2001:4860:4860::8888]/x"))).resolves.toBeUndefined();
  });
});

describe("fetching upstream links", () => {
  it("fetches from a trusted (configured) host even on loopback", async () => {
    const response = await fetchUpstreamLink(`http://${origin}/`, {}, new Set([origin]));
    expect(await response.text()).toBe("ok");
  });

  it("refuses the same loopback host when it is not the configured upstream", async () => {
    await expect(fetchUpstreamLink(`http://${origin}/`, {}, new Set())).rejects.toBeInstanceOf(BlockedDestination);
  });

  it("re-checks every redirect hop: a trusted host cannot bounce the server to a metadata address", async () => {
    const link = `http://${origin}/?to=${encodeURIComponent("http://169.254.169.254/latest/meta-data/")}`;
    await expect(fetchUpstreamLink(link, {}, new Set([origin]))).rejects.toThrow(
      /169.254.169.254 resolves to a linkLocal address/,
    );
  });
});

describe("connect-time address check", () => {
  const lookupError = (host: string, all: boolean) =>
    new Promise<Error | null>((resolve) => publicOnlyLookup(host, { all }, (error) => resolve(error)));

  it("refuses a name that resolves to loopback when the socket looks it up (DNS rebinding)", async () => {
    for (const all of [true, false]) {
      const error = await lookupError("localhost", all);
      expect(error).toBeInstanceOf(BlockedDestination);
      expect(error?.message).toMatch(/localhost resolves to a loopback address/);
    }
  });

  it("streams the body with status and headers, and passes Range through", async () => {
    const response = await fetchUpstreamLink(
      `http://${origin}/`,
      { headers: { Range: "bytes=0-1" } },
      new Set([origin]),
    );
    expect(response.status).toBe(206);
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(await response.text()).toBe("range bytes=0-1");
  });

  it("streams a large body byte for byte", async () => {
    const response = await fetchUpstreamLink(`http://${origin}/big`, {}, new Set([origin]));
    expect(Buffer.from(await response.arrayBuffer()).equals(BIG)).toBe(true);
  });

  it("fails the body when the connection drops before it is complete", async () => {
    const response = await fetchUpstreamLink(`http://${origin}/cut`, {}, new Set([origin]));
    await expect(response.arrayBuffer()).rejects.toThrow();
  });

  it("closes the upstream connection when the reader cancels (a viewer who stops the video)", async () => {
    const response = await fetchUpstreamLink(`http://${origin}/endless`, {}, new Set([origin]));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const closed = await Promise.race([
      endlessClosed.then(() => "closed"),
      new Promise((resolve) => setTimeout(() => resolve("still open 2 s after the cancel"), 2_000)),
    ]);
    expect(closed).toBe("closed");
  });
});
