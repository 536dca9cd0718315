import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GET as getBalance } from "@/app/api/balance/route";
import { remainingCredits } from "@/lib/evolink/schemas";
import { accountBalance, invalidateBalance } from "@/lib/server/evolink/balance";
import { createGeneration, getCredits } from "@/lib/server/evolink/client";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

const KEY = "sk-test-balance";
const saved = { ...process.env };
let sim: RunningSimulator;

// The docs' example answer (GET /v1/credits): the key is limited, the account holds less than the key may spend.
const DOCS_EXAMPLE = {
  data: {
    token: { remaining_credits: 99416.4429, unlimited_credits: false, used_credits: 583.5571 },
    user: { remaining_credits: 1095.3996, used_credits: 135.9048 },
  },
  message: "",
  success: true,
};

function pointAt(base: string, key = KEY): void {
  Object.assign(process.env, { EVOLINK_API_KEY: key, EVOLINK_API_BASE: base, EVOLINK_FILES_BASE: base });
}

/** A stand-in upstream answering every request with `answer`, counting them. */
async function fakeUpstream(answer: (req: IncomingMessage, res: ServerResponse) => void) {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests += 1;
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve()) && server.closeAllConnections()),
  };
}

const json = (status: number, body: unknown) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 60, credits: 500 });
  pointAt(sim.url);
});

afterEach(() => {
  pointAt(sim.url);
  invalidateBalance();
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

describe("reading a balance answer", () => {
  it("reads the documented envelope: the account's credits, or the key's limit when it is lower", () => {
    expect(remainingCredits(DOCS_EXAMPLE)).toBe(1095.3996);
    const limitedKey = structuredClone(DOCS_EXAMPLE);
    limitedKey.data.token.remaining_credits = 12.5;
    expect(remainingCredits(limitedKey)).toBe(12.5);
    const unlimitedKey = structuredClone(limitedKey);
    unlimitedKey.data.token.unlimited_credits = true;
    expect(remainingCredits(unlimitedKey)).toBe(1095.3996);
  });

  it("reads the same fields without the envelope", () => {
    expect(remainingCredits(DOCS_EXAMPLE.data)).toBe(1095.3996);
    expect(remainingCredits({ remaining_credits: 40 })).toBe(40);
    expect(remainingCredits({ data: { remaining_credits: 0 } })).toBe(0);
  });

  it("is unknown, never 0, for a missing field, a negative or non-numeric value, or success: false", () => {
    const without = (change: (body: typeof DOCS_EXAMPLE) => void) => {
      const body = structuredClone(DOCS_EXAMPLE);
      change(body);
      return remainingCredits(body);
    };
    expect(remainingCredits({ data: {}, message: "", success: true })).toBeNull();
    expect(remainingCredits({ data: { user: { used_credits: 3 } }, success: true })).toBeNull();
    expect(without((body) => (body.data.user.remaining_credits = -5))).toBeNull();
    expect(without((body) => Object.assign(body.data.user, { remaining_credits: "1095.3996" }))).toBeNull();
    expect(without((body) => Object.assign(body.data.token, { remaining_credits: null }))).toBeNull();
    expect(without((body) => Object.assign(body.data.user, { remaining_credits: Number.NaN }))).toBeNull();
    expect(without((body) => Object.assign(body, { success: false }))).toBeNull();
    for (const body of [null, "1095", 1095, [], undefined]) expect(remainingCredits(body)).toBeNull();
  });
});

describe("the simulator's GET /v1/credits", () => {
  it("answers the documented shape and lowers the balance by what each task reserves", async () => {
    const before = await getCredits();
    const raw = (await (
      await fetch(`${sim.url}/v1/credits`, { headers: { authorization: `Bearer ${KEY}` } })
    ).json()) as {
      success: boolean;
      data: { user: { remaining_credits: number } };
    };
    expect(raw.success).toBe(true);
    expect(raw.data.user.remaining_credits).toBe(before);
    const task = await createGeneration({
      ...GENERATION_DEFAULTS,
      prompt: "A lighthouse at dusk in the style of <<<video_1>>>",
      videoUrl: "https://media.example.com/videos/ref.mp4",
      duration: 5,
      quality: "720p",
    });
    expect(task.creditsReserved).toBe(40.5);
    expect(await getCredits()).toBeCloseTo(before - 40.5, 4);
  });

  it("answers a wrong key with 401 in the legacy envelope (integer code), read as the key rejected", async () => {
    const response = await fetch(`${sim.url}/v1/credits`, { headers: { authorization: "Bearer sk-wrong" } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: unknown } }).error.code).toBe(401);
    pointAt(sim.url, "sk-wrong");
    expect((await failure(getCredits())).code).toBe("unauthorized");
  });
});

describe("the balance through the client and the route", () => {
  it("a 200 with a missing field, a negative or a non-numeric value is upstream_malformed", async () => {
    for (const body of [{ data: {}, success: true }, { remaining_credits: -1 }, { remaining_credits: "many" }]) {
      const upstream = await fakeUpstream(json(200, body));
      pointAt(upstream.url);
      expect((await failure(getCredits())).code).toBe("upstream_malformed");
      await upstream.close();
    }
  });

  it("a timeout is upstream_timeout and an unreachable host upstream_unreachable", async () => {
    const silent = await fakeUpstream(() => undefined);
    pointAt(silent.url);
    process.env.EVOLINK_GET_TIMEOUT_MS = "300";
    expect((await failure(getCredits())).code).toBe("upstream_timeout");
    delete process.env.EVOLINK_GET_TIMEOUT_MS;
    await silent.close();
    pointAt(silent.url);
    expect((await failure(getCredits())).code).toBe("upstream_unreachable");
  });

  it("the route answers the credits, or the catalog error for a 401 — never a number for a failure", async () => {
    const ok = await getBalance(new Request("http://s/api/balance"));
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { credits: number }).credits).toBeGreaterThan(0);
    invalidateBalance();
    pointAt(sim.url, "sk-wrong");
    const refused = await getBalance(new Request("http://s/api/balance"));
    const body = (await refused.json()) as { credits?: number; error: { code: string } };
    expect(refused.status).toBe(502);
    expect(body.error.code).toBe("unauthorized");
    expect(body.credits).toBeUndefined();
  });

  it("shares one upstream read while it runs, reuses it briefly, and reads again after a Generate", async () => {
    const upstream = await fakeUpstream(json(200, DOCS_EXAMPLE));
    pointAt(upstream.url);
    const [first, second] = await Promise.all([accountBalance(), accountBalance()]);
    expect([first, second]).toEqual([1095.3996, 1095.3996]);
    await accountBalance();
    expect(upstream.requests()).toBe(1);
    invalidateBalance();
    await accountBalance();
    expect(upstream.requests()).toBe(2);
    await upstream.close();
  });
});
