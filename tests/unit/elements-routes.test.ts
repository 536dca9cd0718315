import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as listElements, POST as postElement } from "@/app/api/elements/route";
import { DELETE as deleteElement, GET as getElement, PATCH as patchElement } from "@/app/api/elements/[id]/route";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";

// The element routes answer every hostile request with a catalog 4xx, reach nothing upstream, change nothing.
let sim: RunningSimulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ apiKey: "sk-test-element-routes", taskSeconds: 1, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: "sk-test-element-routes",
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    RATE_LIMIT_GENERATE_PER_MIN: "100000",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const creates = async () =>
  ((await (await fetch(`${sim.url}/__sim/log`)).json()) as { creates: unknown[] }).creates.length;
const json = (method: string, body: string, headers: Record<string, string> = {}) =>
  new Request("http://s/api/elements", { method, headers: { "content-type": "application/json", ...headers }, body });
const params = (id: string) => ({ params: Promise.resolve({ id }) });

async function expectClientError(response: Response, code?: string): Promise<void> {
  expect(response.status).toBeGreaterThanOrEqual(400);
  expect(response.status).toBeLessThan(500);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(typeof body.error.message).toBe("string");
  if (code) expect(body.error.code).toBe(code);
}

describe("element routes under hostile input", () => {
  it("POST /api/elements answers every arbitrary JSON value with a 4xx and creates nothing", async () => {
    const before = await creates();
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (value) => {
        await expectClientError(await postElement(json("POST", JSON.stringify(value))));
      }),
      { numRuns: 150 },
    );
    expect(await creates()).toBe(before);
    expect(
      ((await (await listElements(new Request("http://s/api/elements"))).json()) as { elements: [] }).elements,
    ).toEqual([]);
  });

  it("refuses a bad Idempotency-Key, a body that is not JSON, and a body that is too large", async () => {
    const valid = JSON.stringify({
      name: "Mara",
      description: "A sea captain",
      frontalImageUrl: "https://media.example.com/a.png",
      extraImageUrls: ["https://media.example.com/b.png"],
    });
    await expectClientError(
      await postElement(json("POST", valid, { "idempotency-key": "../../x" })),
      "validation_failed",
    );
    await expectClientError(
      await postElement(new Request("http://s/api/elements", { method: "POST", body: valid })),
      "unsupported_media_type",
    );
    await expectClientError(await postElement(json("POST", "{not json")), "invalid_json");
    await expectClientError(await postElement(json("POST", `"${"x".repeat(70_000)}"`)), "payload_too_large");
  });

  it("answers ids that are not the studio's, or not in the library, with element_not_found", async () => {
    for (const id of ["", "../etc", "el-123", "task-unified-1-abcdefgh", "el-0123456789abcdef"]) {
      await expectClientError(await getElement(new Request("http://s/"), params(id)), "element_not_found");
      await expectClientError(
        await deleteElement(new Request("http://s/", { method: "DELETE" }), params(id)),
        "element_not_found",
      );
      await expectClientError(await patchElement(json("PATCH", '{"name":"x"}'), params(id)), "element_not_found");
    }
  });

  it("PATCH refuses every arbitrary JSON value that is not a valid name", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 3 }).filter((value) => {
          const name = (value as { name?: unknown } | null)?.name;
          return !(typeof name === "string" && name.trim().length > 0 && [...name.trim()].length <= 20);
        }),
        async (value) => {
          await expectClientError(
            await patchElement(json("PATCH", JSON.stringify(value)), params("el-0123456789abcdef")),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  it("refuses cross-site requests", async () => {
    await expectClientError(
      await postElement(json("POST", "{}", { "sec-fetch-site": "cross-site" })),
      "cross_origin_refused",
    );
  });
});
