import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGeneration, getTask } from "@/lib/server/evolink/client";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";
import { resolveErrorCode } from "@/lib/errors";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";

// A bare upstream that answers whatever status the test asks for, counting requests.
let server: Server;
let reply: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: "{}" };
let requests = 0;
const saved = { ...process.env };

beforeAll(async () => {
  server = createServer((req, res) => {
    requests += 1;
    req.resume();
    res.writeHead(reply.status, { "Content-Type": "text/html", ...reply.headers });
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  process.env.EVOLINK_API_KEY = "sk-test-edges";
  process.env.EVOLINK_API_BASE = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

const request = { ...GENERATION_DEFAULTS, prompt: "a boat", videoUrl: "https://media.example.com/a.mp4" };

async function createFailure(): Promise<UpstreamError> {
  requests = 0;
  const error = await createGeneration(request).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe("create failures that do not prove nothing was created", () => {
  for (const status of [502, 504]) {
    it(`a gateway ${status} is reported as an unknown outcome, not as "retry", and is sent once`, async () => {
      reply = { status, body: "<html>Bad gateway</html>" };
      const error = await createFailure();
      expect(error.code).toBe("create_outcome_unknown");
      expect(error.retryable).toBe(false);
      expect(requests).toBe(1);
    });
  }

  it("a 500 without Evolink's error body is an unknown outcome", async () => {
    reply = { status: 500, body: "oops" };
    expect((await createFailure()).code).toBe("create_outcome_unknown");
  });

  it("a documented 503 no-channel answer is a plain, retryable refusal", async () => {
    reply = {
      status: 503,
      body: JSON.stringify({
        error: { code: "service_unavailable", message: "No available channel", type: "api_error" },
      }),
    };
    const error = await createFailure();
    expect(error.code).toBe("service_unavailable");
    expect(error.retryable).toBe(true);
  });
});

describe("status polls", () => {
  it("do not wait out a Retry-After when no retry will follow", async () => {
    reply = {
      status: 401,
      body: JSON.stringify({
        error: { code: "unauthorized", message: "Authentication required", type: "authentication_error" },
      }),
      headers: { "Retry-After": "4" },
    };
    requests = 0;
    const started = performance.now();
    const error = await getTask("task-unified-1757169743-7cvnl5zw").catch((e: unknown) => e);
    expect((error as UpstreamError).code).toBe("unauthorized");
    expect(requests).toBe(1);
    // Generous bound: the point is that the 4 s Retry-After was not slept.
    expect(performance.now() - started).toBeLessThan(3000);
  });
});

describe("numeric codes", () => {
  it("an unknown numeric code falls back to the HTTP status", () => {
    expect(resolveErrorCode(12345, 429)).toBe("rate_limit_exceeded");
    expect(resolveErrorCode(0, 503)).toBe("service_unavailable");
    expect(resolveErrorCode(40001, 500)).toBe("file_too_large");
  });
});
