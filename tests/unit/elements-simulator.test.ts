import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { validateElementBody } from "@/lib/simulator/validate-element";

const KEY = "sk-test-elements-sim";
const TASK_SECONDS = 10;
let clock = Date.parse("2026-07-01T08:00:00.000Z");
let fixtures: string;
let sim: RunningSimulator;

beforeAll(async () => {
  fixtures = mkdtempSync(path.join(os.tmpdir(), "sim-elements-fixtures-"));
  for (const [size, name] of [
    ["640x640", "good.png"],
    ["200x200", "tiny.png"],
  ]) {
    execFileSync(
      "ffmpeg",
      ["-y", "-loglevel", "error", ...`-f lavfi -i testsrc2=size=${size} -frames:v 1 ${name}`.split(" ")],
      {
        cwd: fixtures,
      },
    );
  }
  sim = await startSimulator({ apiKey: KEY, publicFilesBase: "", taskSeconds: TASK_SECONDS, now: () => clock });
}, 60_000);

afterAll(async () => {
  await sim.close();
  rmSync(fixtures, { recursive: true, force: true });
});

const IMG = (n: number) => `https://media.example.com/el/${n}.png`;

function elementBody(params: Record<string, unknown> = {}, images: Record<string, unknown> = {}) {
  return {
    model: "kling-custom-element",
    model_params: {
      element_name: "Mara",
      element_description: "A sea captain",
      reference_type: "image_refer",
      element_image_list: { frontal_image: IMG(0), refer_images: [{ image_url: IMG(1) }], ...images },
      ...params,
    },
  };
}

async function post(body: unknown): Promise<Response> {
  return fetch(`${sim.url}/v1/videos/generations`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function getTask(id: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${sim.url}/v1/tasks/${id}`, { headers: { Authorization: `Bearer ${KEY}` } });
  return (await res.json()) as Record<string, unknown>;
}

async function upload(name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(readFileSync(path.join(fixtures, name)))]), name);
  const res = await fetch(`${sim.url}/api/v1/files/upload/stream`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}` },
    body: form,
  });
  return ((await res.json()) as { data: { file_url: string } }).data.file_url;
}

/** A finished element's id: created, then the clock moved past its (element-scaled) task time. */
async function readyElement(description = "A sea captain"): Promise<{ taskId: string; body: Record<string, unknown> }> {
  const created = (await (await post(elementBody({ element_description: description }))).json()) as { id: string };
  clock += TASK_SECONDS * 2 * 1000 + 1;
  return { taskId: created.id, body: await getTask(created.id) };
}

const refusal = async (res: Response) => {
  expect(res.status).toBe(400);
  return ((await res.json()) as { error: { code: string; message: string; param: string } }).error;
};

describe("kling-custom-element: validation in the documented style", () => {
  it.each([
    [
      "a 21-character name",
      elementBody({ element_name: "x".repeat(21) }),
      "invalid_parameter",
      "model_params.element_name",
      /at most 20 characters \(got 21\)/,
    ],
    [
      "a 101-character description",
      elementBody({ element_description: "y".repeat(101) }),
      "invalid_parameter",
      "model_params.element_description",
      /at most 100/,
    ],
    [
      "no frontal image",
      elementBody({}, { frontal_image: undefined }),
      "missing_required_params",
      "model_params.element_image_list.frontal_image",
      /is required/,
    ],
    [
      "zero extra angles",
      elementBody({}, { refer_images: [] }),
      "invalid_parameter",
      "model_params.element_image_list.refer_images",
      /1 to 3 images \(got 0\)/,
    ],
    [
      "four extra angles",
      elementBody({}, { refer_images: [1, 2, 3, 4].map((n) => ({ image_url: IMG(n) })) }),
      "invalid_parameter",
      "model_params.element_image_list.refer_images",
      /got 4/,
    ],
    [
      "an angle that is not a URL",
      elementBody({}, { refer_images: [{ image_url: "ftp://x/a.png" }] }),
      "invalid_parameter",
      "model_params.element_image_list.refer_images[0].image_url",
      /http\(s\) URL/,
    ],
    [
      "no reference_type",
      elementBody({ reference_type: undefined }),
      "missing_required_params",
      "model_params.reference_type",
      /required/,
    ],
    [
      "a video element",
      elementBody({ reference_type: "video_refer" }),
      "invalid_parameter",
      "model_params.reference_type",
      /image_refer/,
    ],
    [
      "a voice on an image element",
      elementBody({ element_voice_id: "v1" }),
      "invalid_parameter",
      "model_params.element_voice_id",
      /video_refer/,
    ],
  ])("%s", async (_, body, code, param, message) => {
    const error = await refusal(await post(body));
    expect(error).toMatchObject({ code, param });
    expect(error.message).toMatch(message);
  });

  it("refuses a 200 px image it holds, naming the image", async () => {
    const error = await refusal(
      await post(elementBody({}, { refer_images: [{ image_url: await upload("tiny.png") }] })),
    );
    expect(error.param).toBe("model_params.element_image_list.refer_images");
    expect(error.message).toMatch(/refer_images\[0\]\.image_url: .*200×200; each side must be at least 300 px/);
  });

  it("the validator is a pure function of the body", () => {
    expect(validateElementBody(elementBody() as Record<string, unknown>)).toMatchObject({
      ok: true,
      value: { name: "Mara", description: "A sea captain", images: [{ url: IMG(0) }, { url: IMG(1) }] },
    });
  });
});

describe("kling-custom-element: the task", () => {
  it("costs one credit per call, takes twice the task time, and finishes with element_id in result_data", async () => {
    const good = await upload("good.png");
    const res = await post(elementBody({}, { frontal_image: good }));
    expect(res.status).toBe(200);
    const created = (await res.json()) as {
      id: string;
      model: string;
      usage: Record<string, unknown>;
      task_info: Record<string, unknown>;
    };
    expect(created.model).toBe("kling-custom-element");
    expect(created.usage).toMatchObject({ billing_rule: "per_call", credits_reserved: 1 });
    expect(created.task_info.estimated_time).toBe(TASK_SECONDS * 2);
    clock += TASK_SECONDS * 1000;
    expect(await getTask(created.id)).toMatchObject({ status: "processing", progress: 50 });
    expect((await getTask(created.id)).result_data).toBeUndefined();
    clock += TASK_SECONDS * 1000 + 1;
    const done = await getTask(created.id);
    expect(done).toMatchObject({ status: "completed", progress: 100 });
    expect(done.results).toBeUndefined();
    expect(done.result_data).toEqual([{ element_id: expect.stringMatching(/^[1-9]\d{14}$/) }]);
  });

  it("[sim:no-element-id] completes with no element_id; [sim:numeric-element-id] sends a number", async () => {
    expect((await readyElement("[sim:no-element-id]")).body.result_data).toEqual([{ status: "succeeded" }]);
    const numeric = (await readyElement("[sim:numeric-element-id]")).body.result_data as Array<{ element_id: unknown }>;
    expect(typeof numeric[0]?.element_id).toBe("number");
  });
});

describe("reference-to-video checks the element ids it receives", () => {
  const video = (elementIds: string[], imageCount = 0) => ({
    model: "kling-o3-reference-to-video",
    prompt: "<<<element_1>>> on a pier, in the style of <<<video_1>>>",
    video_url: "https://media.example.com/v.mp4",
    ...(imageCount ? { image_urls: Array.from({ length: imageCount }, (_, n) => IMG(n)) } : {}),
    model_params: { element_list: elementIds.map((id) => ({ element_id: id })), watermark_info: { enabled: true } },
  });

  it("completes with an element it made, and fails the task for one it never made (our inference)", async () => {
    const made = ((await readyElement()).body.result_data as Array<{ element_id: string }>)[0]!.element_id;
    const good = (await (await post(video([made]))).json()) as { id: string };
    const bad = (await (await post(video(["123456789012345"]))).json()) as { id: string };
    clock += TASK_SECONDS * 1000 + 1;
    expect(await getTask(good.id)).toMatchObject({ status: "completed" });
    expect(await getTask(bad.id)).toMatchObject({
      status: "failed",
      error: { code: "invalid_parameters", message: "element_id 123456789012345 does not exist or is not ready" },
    });
  });

  it("refuses one element with four images", async () => {
    const error = await refusal(await post(video(["111111111111111"], 4)));
    expect(error.message).toBe("image_urls and model_params.element_list together allow at most 4 references (got 5)");
  });
});
