import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { loadConfig } from "@/lib/server/config";
import { publicBaseUrlReason } from "@/lib/server/evolink/public-base-url";
import { refusedStart } from "../helpers/startup-refusal";

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;
const reason = (value: string) => publicBaseUrlReason(value);
const publicBaseUrl = (values: NodeJS.ProcessEnv) => loadConfig(values).publicBaseUrl;
// The callback path and a 43-character token follow the base: 22 + 43 characters.
const SUFFIX = "/api/webhooks/evolink/".length + 43;

describe("PUBLIC_BASE_URL", () => {
  it("is optional: unset or blank means polling only", async () => {
    expect(reason("  ")).toBeNull();
    expect(publicBaseUrl(env({ PUBLIC_BASE_URL: "" }))).toBeNull();
  });

  it.each([
    ["https://studio.example.com", "https://studio.example.com"],
    ["https://studio.example.com/", "https://studio.example.com"],
    ["https://Studio.Example.com:8443/kling/", "https://studio.example.com:8443/kling"],
    ["https://93.184.215.14", "https://93.184.215.14"],
    [` https://studio.example.com/a `, "https://studio.example.com/a"],
  ])("accepts %s as %s", (value, normalised) => {
    expect(reason(value)).toBeNull();
    expect(publicBaseUrl(env({ PUBLIC_BASE_URL: value }))).toBe(normalised);
  });

  it.each([
    ["http://studio.example.com", "http://studio.example.com", /only calls https/],
    ["studio.example.com", "studio.example.com", /not an absolute URL/],
    ["https://localhost:3000", "https://localhost:3000", /local-only/],
    ["https://app.localhost", "https://app.localhost", /local-only/],
    ["https://nas.local", "https://nas.local", /local-only/],
    ["https://intranet", "https://intranet", /local-only/],
    ["https://127.0.0.1", "https://127.0.0.1", /loopback/],
    ["https://10.0.0.5", "https://10.0.0.5", /private/],
    ["https://192.168.1.20", "https://192.168.1.20", /private/],
    ["https://169.254.169.254", "https://169.254.169.254", /linkLocal/],
    ["https://[::1]", "https://[::1]", /loopback/],
    ["https://[fd00::5]", "https://[fd00::5]", /uniqueLocal/],
    ["https://user:pw@studio.example.com", "https://user:pw@studio.example.com", /user name or password/],
    ["https://studio.example.com/?x=1", "https://studio.example.com/?x=1", /query/],
    ["https://studio.example.com/#top", "https://studio.example.com/#top", /fragment/],
    [
      "a base too long for 2048-character callback URLs",
      `https://studio.example.com/${"p".repeat(2048 - SUFFIX - "https://studio.example.com/".length + 1)}`,
      /2049 characters; Evolink accepts at most 2048/,
    ],
  ])("refuses %s with a message saying why and what to do", (_label, value, why) => {
    const message = reason(value);
    expect(message).toMatch(why);
    expect(message).toMatch(/Set it to the studio's public https address .* or unset it to rely on polling alone/);
    expect(() => publicBaseUrl(env({ PUBLIC_BASE_URL: value }))).toThrow(/Refusing to start/);
  });

  it("accepts a base whose callback URLs are exactly 2048 characters", async () => {
    const base = `https://studio.example.com/${"p".repeat(2048 - SUFFIX - "https://studio.example.com/".length)}`;
    expect(base.length + SUFFIX).toBe(2048);
    expect(reason(base)).toBeNull();
  });

  it("stops the server at start with that message", async () => {
    const { exitCalls, fatal } = await refusedStart({
      HOST: "127.0.0.1",
      PUBLIC_BASE_URL: "http://studio.example.com",
      LOG_LEVEL: "info",
    });
    expect(exitCalls).toContainEqual([1]);
    expect(fatal).toMatchObject({ level: "fatal", job: "startup" });
    expect(fatal.msg).toMatch(/Refusing to start: PUBLIC_BASE_URL=http:\/\/studio\.example\.com .* only calls https/);
  });
});

describe("the callback route's exemption from the session gate", () => {
  it("is the only API route that does not call (await guard())", async () => {
    const apiDir = path.join(process.cwd(), "app/api");
    const routes = (readdirSync(apiDir, { recursive: true }) as string[]).filter((file) => file.endsWith("route.ts"));
    const unguarded = routes.filter((file) => !/\bguard\(request/.test(readFileSync(path.join(apiDir, file), "utf8")));
    expect(routes.length).toBeGreaterThan(5);
    expect(unguarded).toEqual([path.join("webhooks", "evolink", "[token]", "route.ts")]);
  });
});
