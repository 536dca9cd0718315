import { createHash, createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DELETE as signOut, POST as signIn } from "@/app/api/session/route";
import { GET as historyRoute } from "@/app/api/tasks/route";
import { newSessionToken, revokeSession, sessionValid } from "@/lib/server/auth/session";
import { closeStore, query } from "@/lib/server/store/connection";
import { ENGINES, freshPostgresUrl, useEngine } from "./store-engines";
import { sessionKeys } from "@/lib/server/store/sessions";

const PASSWORD = "correct horse battery staple";

beforeEach(() => vi.stubEnv("APP_PASSWORD", PASSWORD));
afterEach(() => vi.unstubAllEnvs());

const json = (body: unknown, cookie?: string) =>
  new Request("http://127.0.0.1:3000/api/session", {
    method: "POST",
    headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
const withCookie = (token: string) => ({ cookie: `studio_session=${token}` });

async function signedIn(): Promise<string> {
  const response = await signIn(json({ password: PASSWORD }));
  expect(response.status).toBe(204);
  const token = /studio_session=([^;]*)/.exec(response.headers.get("set-cookie") ?? "")?.[1] ?? "";
  expect(await sessionValid(token)).toBe(true);
  return token;
}

describe.each(ENGINES)("on %s", (engine) => {
  useEngine(engine);
  describe("sessions", () => {
    it("are refused after sign-out, though the cookie is replayed unchanged", async () => {
      const token = await signedIn();
      const other = await signedIn();
      const out = await signOut(
        new Request("http://127.0.0.1:3000/api/session", { method: "DELETE", headers: withCookie(token) }),
      );
      expect(out.status).toBe(204);
      expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
      expect(await sessionValid(token)).toBe(false);
      const replay = await historyRoute(new Request("http://127.0.0.1:3000/api/tasks", { headers: withCookie(token) }));
      expect(replay.status).toBe(401);
      expect(((await replay.json()) as { error: { code: string } }).error.code).toBe("sign_in_required");
      // Only that browser is signed out.
      expect(await sessionValid(other)).toBe(true);
    });

    it("refuses a cookie made the old way (an HMAC keyed by a hash of the password), which one could test guesses against", async () => {
      const expires = String(Math.floor(Date.now() / 1000) + 3600);
      const key = createHash("sha256").update(`kling-studio-session:${PASSWORD}`).digest();
      expect(await sessionValid(`${expires}.${createHmac("sha256", key).update(expires).digest("base64url")}`)).toBe(
        false,
      );
      // Nor does a new cookie's signature follow from the password alone.
      const [sessionId = "", signature] = (await newSessionToken()).token.split(".");
      expect(createHmac("sha256", key).update(sessionId).digest("base64url")).not.toBe(signature);
    });

    it("end when the password or SESSION_SECRET changes", async () => {
      const token = await signedIn();
      vi.stubEnv("APP_PASSWORD", "a new password");
      expect(await sessionValid(token)).toBe(false);
      vi.stubEnv("APP_PASSWORD", PASSWORD);
      vi.stubEnv("SESSION_SECRET", "an operator-chosen secret");
      expect(await sessionValid(token)).toBe(false);
      const withSecret = (await newSessionToken()).token;
      expect(await sessionValid(withSecret)).toBe(true);
      vi.stubEnv("SESSION_SECRET", "another operator-chosen secret");
      expect(await sessionValid(withSecret)).toBe(false);
    });

    it("refuses tampered, truncated, expired and malformed tokens", async () => {
      const { token } = await newSessionToken();
      const [sessionId = "", signature = ""] = token.split(".");
      const flip = (text: string, at: number) =>
        `${text.slice(0, at)}${text[at] === "A" ? "B" : "A"}${text.slice(at + 1)}`;
      for (const bad of [
        `${flip(sessionId, 5)}.${signature}`,
        `${sessionId}.${flip(signature, 5)}`,
        `${sessionId}.${signature.slice(0, -1)}`,
        `${sessionId}.${signature}.x`,
        `${sessionId}`,
        "",
        undefined,
        "9999999999.AAAA",
      ]) {
        expect(await sessionValid(bad)).toBe(false);
      }
      expect(await sessionValid((await newSessionToken(Date.now() - 13 * 3600 * 1000)).token)).toBe(false);
      expect(await sessionValid(token, Date.now() + 12 * 3600 * 1000 + 1000)).toBe(false);
      expect(await sessionValid(token)).toBe(true);
      await revokeSession(token);
      expect(await sessionValid(token)).toBe(false);
    });

    it("keep only a hash of each session id, and drop expired rows at the next sign-in", async () => {
      await newSessionToken(Date.now() - 13 * 3600 * 1000);
      const token = await signedIn();
      const rows = await (await query()).selectFrom("sessions").selectAll().execute();
      expect(rows.every((row) => row.expires_at > Date.now())).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(token.split(".")[0]);
    });

    it("a wrong password makes no session", async () => {
      const count = async () => (await (await query()).selectFrom("sessions").selectAll().execute()).length;
      const before = await count();
      expect((await signIn(json({ password: "wrong" }))).status).toBe(401);
      expect(await count()).toBe(before);
    });
  });

  describe("the persisted signing secret", () => {
    it("is random, made once, and survives closing and reopening the database", async () => {
      const keys = await sessionKeys();
      expect(keys.secret).toHaveLength(32);
      expect(keys.passwordSalt).toHaveLength(16);
      expect(await sessionKeys()).toEqual(keys);
      await closeStore();
      expect(await sessionKeys()).toEqual(keys);
      await closeStore();
      if (engine === "postgres") process.env.DATABASE_URL = await freshPostgresUrl();
      else process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "studio-session-keys-"));
      expect((await sessionKeys()).secret.equals(keys.secret)).toBe(false);
    });
  });
});
