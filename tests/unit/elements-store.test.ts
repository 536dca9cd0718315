import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { studioError } from "@/lib/errors";
import type { ElementRequest } from "@/lib/elements/schema";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import type { GenerationRequest } from "@/lib/generation/schema";
import { createElement } from "@/lib/server/elements/create";
import { elementLibrary, forgetElement, renameElement } from "@/lib/server/elements/library";
import { refreshElement } from "@/lib/server/elements/refresh";
import { ElementRefusal, resolveElements } from "@/lib/server/elements/resolve";
import { beginElement, findElement, markInterruptedElements } from "@/lib/server/store/elements";
import { findTask } from "@/lib/server/store/tasks";
import { toTaskView } from "@/lib/server/tasks/refresh";
import { IdempotencyConflict, submitGeneration } from "@/lib/server/tasks/submit";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { ENGINES, useEngine } from "./store-engines";

const KEY = "sk-test-elements-store";
let sim: RunningSimulator;
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 1, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "250",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

type Create = { body: Record<string, unknown> | null; taskId: string | null; status: number };
const creates = async (): Promise<Create[]> =>
  ((await (await fetch(`${sim.url}/__sim/log`)).json()) as { creates: Create[] }).creates;
const elementCreates = async (name: string) =>
  (await creates()).filter(
    (entry) => (entry.body?.model_params as { element_name?: string } | undefined)?.element_name === name,
  );

let counter = 0;
function request(overrides: Partial<ElementRequest> = {}): ElementRequest {
  counter += 1;
  return {
    name: `Mara ${counter}`,
    description: "A sea captain",
    frontalImageUrl: "https://media.example.com/el/front.png",
    extraImageUrls: ["https://media.example.com/el/side.png"],
    ...overrides,
  };
}

async function untilSettled(id: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const view = await refreshElement(id);
    if (view && view.status !== "creating") return view;
    if (Date.now() > deadline) throw new Error(`element ${id} still creating`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(ENGINES)("on %s", (engine) => {
  useEngine(engine);

  describe("creating an element", () => {
    it("sends an image_refer kling-custom-element task once per key, and a repeat gets the same element", async () => {
      const req = request();
      const [first, second] = await Promise.all([
        createElement(req, "el-key-000001"),
        createElement(req, "el-key-000001"),
      ]);
      const third = await createElement(req, "el-key-000001");
      expect(new Set([first.element.id, second.element.id, third.element.id]).size).toBe(1);
      expect(third.replayed).toBe(true);
      const sent = await elementCreates(req.name);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.body).toEqual({
        model: "kling-custom-element",
        model_params: {
          element_name: req.name,
          element_description: "A sea captain",
          reference_type: "image_refer",
          element_image_list: {
            frontal_image: "https://media.example.com/el/front.png",
            refer_images: [{ image_url: "https://media.example.com/el/side.png" }],
          },
        },
      });
      expect(first.element).toMatchObject({ status: "creating", taskId: sent[0]?.taskId });
    });

    it("the same key with a different request is a conflict and sends nothing", async () => {
      await createElement(request(), "el-key-conflict");
      const other = request();
      await expect(createElement(other, "el-key-conflict")).rejects.toBeInstanceOf(IdempotencyConflict);
      expect(await elementCreates(other.name)).toHaveLength(0);
    });

    it("an upstream refusal leaves nothing in the library", async () => {
      const refused = request({ name: "n".repeat(21) });
      await expect(createElement(refused, "el-key-refused")).rejects.toMatchObject({ code: "invalid_parameter" });
      expect((await elementLibrary()).some((element) => element.name === refused.name)).toBe(false);
    });

    it("follows the creation to ready, storing the element_id as a string and the raw answer", async () => {
      const { element } = await createElement(request({ description: "numbered [sim:numeric-element-id]" }));
      const ready = await untilSettled(element.id);
      expect(ready).toMatchObject({ status: "ready", progress: 100, elementId: expect.stringMatching(/^\d{15}$/) });
      const record = (await findElement(element.id))!;
      expect(record.rawResult).toMatchObject({
        status: "completed",
        result_data: [{ element_id: Number(ready.elementId) }],
      });
    });

    it("a finished creation without an element_id is a clear failure naming the answer's keys", async () => {
      const { element } = await createElement(request({ description: "[sim:no-element-id]" }));
      const failed = await untilSettled(element.id);
      expect(failed.status).toBe("failed");
      expect(failed.elementId).toBeNull();
      expect(failed.error).toMatchObject({ code: "element_id_missing" });
      expect(failed.error?.detail).toMatch(/its answer's keys: .*result_data, .*result_data\[0\]\.status/);
      expect((await findElement(element.id))?.rawResult).toMatchObject({ result_data: [{ status: "succeeded" }] });
    });

    it("a creation the upstream fails ends failed with its words", async () => {
      const { element } = await createElement(request({ description: "[sim:service-error]" }));
      expect(await untilSettled(element.id)).toMatchObject({ status: "failed", error: { code: "service_error" } });
    });

    it("renames locally and deletes from the library only", async () => {
      const { element } = await createElement(request());
      expect((await renameElement(element.id, "Renamed"))?.name).toBe("Renamed");
      expect(await forgetElement(element.id)).toBe(true);
      expect(await forgetElement(element.id)).toBe(false);
      expect(await renameElement(element.id, "Again")).toBeNull();
    });

    it("a create cut off by a restart is failed as outcome unknown, never resent", async () => {
      const req = request();
      expect(await beginElement("el-00000000000000aa", "el-key-interrupted", "hash", req)).toBe(true);
      expect(await markInterruptedElements(studioError("create_outcome_unknown"))).toBeGreaterThanOrEqual(1);
      expect(await findElement("el-00000000000000aa")).toMatchObject({
        state: "failed",
        error: { code: "create_outcome_unknown" },
      });
    });
  });

  const generation = (prompt: string, elementIds: string[], watermark: boolean): GenerationRequest => ({
    ...GENERATION_DEFAULTS,
    prompt,
    videoUrl: "https://media.example.com/v.mp4",
    imageUrls: ["https://media.example.com/a.png", "https://media.example.com/b.png"],
    elementIds,
    watermark,
  });

  describe("generations with elements", () => {
    it("refuses elements still creating, failed or unknown, before claiming the key or sending anything", async () => {
      const creating = (await createElement(request())).element;
      const failed = (await createElement(request({ description: "[sim:no-element-id]" }))).element;
      await untilSettled(failed.id);
      const cases: Array<[string, string]> = [
        [creating.id, "element_not_ready"],
        [failed.id, "element_failed"],
        ["el-ffffffffffffffff", "element_unknown"],
      ];
      for (const [id, code] of cases) {
        const prompt = `<<<element_1>>> refused ${id} <<<video_1>>>`;
        const error = await submitGeneration(generation(prompt, [id], false), `gen-${id}`).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ElementRefusal);
        expect(error).toMatchObject({ code, detail: expect.stringContaining("<<<element_1>>>") });
        expect((await creates()).filter((entry) => entry.body?.prompt === prompt)).toHaveLength(0);
      }
      await expect(resolveElements([creating.id])).rejects.toThrow(/still being created \(\d+%\)/);
    });

    it("sends the element_ids and the watermark as model_params, and the task keeps what it used", async () => {
      const { element } = await createElement(request({ name: "Gull" }));
      const ready = await untilSettled(element.id);
      const prompt = `<<<element_1>>> and <<<image_2>>> in <<<video_1>>> ${Date.now()}`;
      const { task } = await submitGeneration(generation(prompt, [element.id], true));
      const sent = (await creates()).find((entry) => entry.body?.prompt === prompt);
      expect(sent?.body?.model_params).toEqual({
        element_list: [{ element_id: ready.elementId }],
        watermark_info: { enabled: true },
      });
      expect(task.elements).toEqual([{ id: element.id, name: "Gull", elementId: ready.elementId, deleted: false }]);
      expect(task.watermark).toBe(true);
      await forgetElement(element.id);
      expect((await toTaskView((await findTask(task.id))!)).elements[0]).toMatchObject({ name: "Gull", deleted: true });
    });

    it("sends watermark_info.enabled false explicitly", async () => {
      const prompt = `no mark <<<video_1>>> ${Date.now()}`;
      await submitGeneration(generation(prompt, [], false));
      const sent = (await creates()).find((entry) => entry.body?.prompt === prompt);
      expect(sent?.body?.model_params).toEqual({ watermark_info: { enabled: false } });
    });
  });
});
