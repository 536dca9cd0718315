import { expect, test } from "@playwright/test";
import { Stack, removeArtifactDirs } from "./stack";

// Sessions against a real `next start` with APP_PASSWORD: sign-out revokes the cookie on the server, and
// the signing secret the studio made for itself (no SESSION_SECRET) survives a restart.
test.describe.configure({ timeout: 150_000 });

const PASSWORD = "session e2e password";

test.afterEach(async ({}, testInfo) => {
  removeArtifactDirs({ keep: testInfo.status !== testInfo.expectedStatus });
});

async function signIn(appUrl: string): Promise<string> {
  const response = await fetch(`${appUrl}/api/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(response.status).toBe(204);
  const cookie = /^(studio_session=[^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
  expect(cookie).toMatch(/^studio_session=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
  return cookie as string;
}

const history = (appUrl: string, cookie?: string) =>
  fetch(`${appUrl}/api/tasks`, { headers: cookie ? { cookie } : {} });

test("a cookie replayed after sign-out is refused, and sessions survive a restart", async () => {
  const stack = await Stack.start({ name: "session", appEnv: { APP_PASSWORD: PASSWORD } });
  try {
    const { appUrl } = stack;
    expect((await history(appUrl)).status).toBe(401);

    const kept = await signIn(appUrl);
    const signedOut = await signIn(appUrl);
    expect((await history(appUrl, signedOut)).status).toBe(200);
    const out = await fetch(`${appUrl}/api/session`, { method: "DELETE", headers: { cookie: signedOut } });
    expect(out.status).toBe(204);

    const replay = await history(appUrl, signedOut);
    expect(replay.status).toBe(401);
    expect(((await replay.json()) as { error: { code: string } }).error.code).toBe("sign_in_required");
    // The page refuses it too: back to the sign-in page.
    const page = await fetch(`${appUrl}/`, { headers: { cookie: signedOut }, redirect: "manual" });
    expect(page.status).toBeGreaterThanOrEqual(300);
    expect(page.status).toBeLessThan(400);
    expect(page.headers.get("location")).toMatch(/\/signin$/);
    expect((await history(appUrl, kept)).status).toBe(200);

    // A restart keeps the stored secret: the other browser stays signed in, the signed-out one stays out.
    await stack.stopApp("SIGTERM");
    await stack.startApp();
    expect((await history(appUrl, kept)).status).toBe(200);
    expect((await history(appUrl, signedOut)).status).toBe(401);
  } finally {
    await stack.stop();
  }
});
