import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upstreamErrorFrom } from "../helpers/upstream-error";
import { createGeneration, getTask } from "@/lib/server/evolink/client";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";

// A fake Evolink answering every create and every task read with whatever id the test sets.
let answerId = "";
let creates = 0;
let server: http.Server;
const saved = { ...process.env };

beforeAll(async () => {
  server = http.createServer((request, response) => {
    if (request.method === "POST") creates += 1;
    request.resume();
    response.setHeader("Content-Type", "application/json");
    response.end(JSON.stringify({ id: answerId, status: "pending", progress: 0, created: 1757169743 }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  Object.assign(process.env, { EVOLINK_API_KEY: "sk-test-ids", EVOLINK_API_BASE: base, EVOLINK_FILES_BASE: base });
});

afterAll(async () => {
  process.env = saved;
  await new Promise((resolve) => server.close(resolve));
});

const request = { ...GENERATION_DEFAULTS, prompt: "a lighthouse", videoUrl: "https://media.example.com/a.mp4" };

const BAD_IDS = [
  "../../x",
  "task-unified-1757169743-abcd1234/../../../etc",
  "task-unified-1757169743-abcd1234\u0000",
  " task-unified-1757169743-abcd1234",
  "x".repeat(300),
];

describe("task ids the upstream returns are checked before use", () => {
  it.each(BAD_IDS)(
    "a create answered with the id %j is an unknown outcome, sent once and never resubmitted",
    async (id) => {
      answerId = id;
      const before = creates;
      const error = await upstreamErrorFrom(createGeneration(request));
      expect(error.code).toBe("create_outcome_unknown");
      expect(error.retryable).toBe(false);
      expect(creates - before).toBe(1);
    },
  );

  it.each(BAD_IDS)("a task read answered with the id %j is a malformed answer", async (id) => {
    answerId = id;
    expect((await upstreamErrorFrom(getTask("task-unified-1757169743-abcd1234"))).code).toBe("upstream_malformed");
  });

  it("a well-formed id passes", async () => {
    answerId = "task-unified-1757169743-abcd1234";
    expect((await createGeneration(request)).id).toBe(answerId);
    expect((await getTask(answerId)).id).toBe(answerId);
  });
});
