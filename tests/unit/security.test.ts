import { afterEach, describe, expect, it, vi } from "vitest";
import { guard } from "@/lib/server/auth/guard";
import { loadConfig } from "@/lib/server/config";
import {
  newSessionToken,
  passwordMatches,
  sessionCookie,
  sessionFromCookieHeader,
  sessionValid,
} from "@/lib/server/auth/session";
import { PUBLIC_WITHOUT_PASSWORD_OPT_OUT, unsafeBindingReason } from "@/lib/server/deployment-check";
import { rateLimit } from "@/lib/server/http/rate-limit";
import { CLIENT_ADDRESS_HEADER, clientAddressStamp } from "@/lib/server/http/client-address";

afterEach(async () => vi.unstubAllEnvs());

const post = (headers: Record<string, string>) =>
  new Request("http://127.0.0.1:3000/api/generations", {
    method: "POST",
    headers: { host: "127.0.0.1:3000", ...headers },
  });

describe("session tokens", () => {
  it("accepts its own token and refuses tampered, expired or foreign ones", async () => {
    vi.stubEnv("APP_PASSWORD", "correct horse");
    const { token } = await newSessionToken();
    expect(await sessionValid(token)).toBe(true);
    const [expires, signature = ""] = token.split(".");
    expect(await sessionValid(`${Number(expires) + 3600}.${signature}`)).toBe(false);
    expect(await sessionValid(`${expires}.${signature.slice(0, -2)}xx`)).toBe(false);
    expect(await sessionValid((await newSessionToken(Date.now() - 13 * 3600 * 1000)).token)).toBe(false);
    expect(await sessionValid(undefined)).toBe(false);
    expect(await sessionValid("garbage")).toBe(false);
    vi.stubEnv("APP_PASSWORD", "another password");
    expect(await sessionValid(token)).toBe(false);
  });

  it("compares passwords exactly, and never matches when no password is set", async () => {
    vi.stubEnv("APP_PASSWORD", "correct horse");
    expect(passwordMatches("correct horse")).toBe(true);
    expect(passwordMatches("correct hors")).toBe(false);
    expect(passwordMatches("correct horse ")).toBe(false);
    vi.stubEnv("APP_PASSWORD", "");
    expect(passwordMatches("")).toBe(false);
  });

  it("writes an httpOnly, SameSite=Strict cookie and reads it back from a Cookie header", async () => {
    const cookie = sessionCookie("abc.def", 60, true);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(sessionFromCookieHeader("a=1; studio_session=abc.def; b=2")).toBe("abc.def");
    expect(sessionFromCookieHeader(null)).toBeUndefined();
  });
});

describe("guard", () => {
  it("refuses cross-site state changes and lets same-origin ones through", async () => {
    expect(await guard(post({ "sec-fetch-site": "same-origin" }))).toBeNull();
    expect(await guard(post({ origin: "http://127.0.0.1:3000" }))).toBeNull();
    const attempts: Array<Record<string, string>> = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example" },
      { origin: "not a url" },
    ];
    for (const headers of attempts) {
      const refused = await guard(post(headers));
      expect(refused?.status).toBe(403);
      expect((await refused!.json()).error.code).toBe("cross_origin_refused");
    }
    expect(
      await guard(new Request("http://127.0.0.1:3000/api/tasks", { headers: { "sec-fetch-site": "cross-site" } })),
    ).toBeNull();
  });

  it("refuses any method on a Host the studio does not answer to (a rebound name), even same-origin", async () => {
    const rebound = (method: string) =>
      new Request("http://rebind.attacker.example:3000/api/tasks", {
        method,
        headers: {
          host: "rebind.attacker.example:3000",
          origin: "http://rebind.attacker.example:3000",
          "sec-fetch-site": "same-origin",
        },
      });
    for (const method of ["GET", "POST", "DELETE"]) {
      const refused = await guard(rebound(method));
      expect(refused?.status).toBe(403);
      expect((await refused!.json()).error.code).toBe("cross_origin_refused");
    }
    vi.stubEnv("ALLOWED_HOSTS", "rebind.attacker.example");
    expect(await guard(rebound("POST"))).toBeNull();
  });

  it("asks for a session only when APP_PASSWORD is set", async () => {
    expect(await guard(post({}))).toBeNull();
    vi.stubEnv("APP_PASSWORD", "correct horse");
    const refused = await guard(post({}));
    expect(refused?.status).toBe(401);
    expect((await refused!.json()).error.code).toBe("sign_in_required");
    expect(await guard(post({ cookie: `studio_session=${(await newSessionToken()).token}` }))).toBeNull();
    expect(await guard(post({}), { session: false })).toBeNull();
  });
});

describe("rate limits", () => {
  it("answers 429 with Retry-After once a client spends its budget, per client", async () => {
    vi.stubEnv("RATE_LIMIT_SIGN_IN_PER_MIN", "3");
    const from = (ip: string) =>
      new Request("http://s/api/session", {
        method: "POST",
        headers: { [CLIENT_ADDRESS_HEADER]: clientAddressStamp(ip) },
      });
    const client = `10.9.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < 3; i += 1) expect(await rateLimit(from(client), "signIn")).toBeNull();
    const limited = await rateLimit(from(client), "signIn");
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await limited!.json()).error.code).toBe("too_many_requests");
    expect(await rateLimit(from(`${client}0`), "signIn")).toBeNull();
  });
});

const env = (values: Record<string, string>) => loadConfig(values as NodeJS.ProcessEnv);

describe("binding", () => {
  const at = (address: string) => ({ address, family: address.includes(":") ? "IPv6" : "IPv4", port: 3000 });

  it("refuses a public address without a password unless explicitly opted out", async () => {
    for (const loopback of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"])
      expect(unsafeBindingReason(at(loopback), env({}))).toBeNull();
    expect(unsafeBindingReason(at("0.0.0.0"), env({}))).toMatch(
      /Refusing to listen on 0\.0\.0\.0 \(every interface\) without APP_PASSWORD/,
    );
    expect(unsafeBindingReason(at("::"), env({}))).toMatch(
      /Refusing to listen on :: \(every interface\) without APP_PASSWORD/,
    );
    expect(unsafeBindingReason(at("192.168.1.20"), env({}))).toMatch(
      /Refusing to listen on 192\.168\.1\.20 without APP_PASSWORD/,
    );
    // HOST says nothing about where the server really listens: only the bound address counts.
    expect(unsafeBindingReason(at("::"), env({ HOST: "127.0.0.1" }))).not.toBeNull();
    expect(unsafeBindingReason(at("0.0.0.0"), env({ APP_PASSWORD: "x" }))).toBeNull();
    expect(unsafeBindingReason(at("0.0.0.0"), env({ ALLOW_PUBLIC_WITHOUT_PASSWORD: "yes" }))).not.toBeNull();
    expect(
      unsafeBindingReason(at("0.0.0.0"), env({ ALLOW_PUBLIC_WITHOUT_PASSWORD: PUBLIC_WITHOUT_PASSWORD_OPT_OUT })),
    ).toBeNull();
    expect(unsafeBindingReason("/tmp/studio.sock", env({}))).toBeNull();
  });
});
