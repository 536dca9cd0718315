import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { findTask, insertTask } from "@/lib/server/store/tasks";
import { archiveTask, referenceSlotPath, referenceThumbnailPath } from "@/lib/server/tasks/archive";
import { deleteFromHistory } from "@/lib/server/tasks/history";
import { refreshTaskNow, toTaskView } from "@/lib/server/tasks/refresh";
import { submitVariants } from "@/lib/server/tasks/variants";
import { GET as slotRoute } from "@/app/api/tasks/[id]/reference/[slot]/route";
import { ensureFixture } from "../fixtures/media-fixtures";

let sim: RunningSimulator;
const KEY = "sk-test-kept-references";
const saved = { ...process.env };
let resultLink = "";
let imageLink = "";

async function upload(file: string, name: string): Promise<string> {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(readFileSync(file))]), name);
  const res = await fetch(`${sim.url}/api/v1/files/upload/stream`, {
    method: "POST",
    headers: { Authorization: `Bearer ${KEY}` },
    body: form,
  });
  return ((await res.json()) as { data: { file_url: string } }).data.file_url;
}

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 1, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "1000",
  });
  const request = {
    ...GENERATION_DEFAULTS,
    prompt: "<<<video_1>>> a source",
    videoUrl: "https://media.example.com/a.mp4",
  };
  const made = await submitVariants({ ...request, variants: 1 }, "kept-source-1");
  if (!("task" in made)) throw new Error("expected one task");
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  await refreshTaskNow(made.task.id);
  resultLink = (await findTask(made.task.id))?.resultUrl ?? "";
  imageLink = await upload(ensureFixture("imagePng"), "style.png");
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const record = (id: string, imageUrls: string[]) =>
  insertTask(
    {
      id,
      request: {
        ...GENERATION_DEFAULTS,
        prompt: "<<<video_1>>> with <<<image_1>>> and <<<image_2>>>",
        videoUrl: resultLink,
        imageUrls,
      },
      createdAt: Date.now(),
      upstreamStatus: "completed",
      progress: 100,
      estimatedSeconds: null,
      creditsReserved: null,
      resultUrl: resultLink,
      error: null,
    },
    null,
  );

const get = (id: string, slot: string, query = "") =>
  slotRoute(
    new Request(`http://127.0.0.1/api/tasks/${id}/reference/${slot}${query}`, { headers: { Host: "127.0.0.1" } }),
    {
      params: Promise.resolve({ id, slot }),
    },
  );

describe("references kept with the result", () => {
  it("keeps the video and each image with a thumbnail, serves them, and deletes them with the entry", async () => {
    const id = "task-unified-1700000001-keptref1";
    await archiveTask(await record(id, [imageLink, `${sim.url}/files/nobody/missing.png`]));
    const kept = (await findTask(id))?.keptReferences;
    expect(kept).toEqual({
      videoThumbnail: true,
      images: [
        { state: "archived", thumbnail: true },
        { state: "gone", thumbnail: false },
      ],
    });
    const view = await toTaskView((await findTask(id))!);
    expect(view.references.map((reference) => reference.kept)).toEqual([
      { url: `/api/tasks/${id}/reference`, thumbnailUrl: `/api/tasks/${id}/reference/video?thumbnail=1` },
      { url: `/api/tasks/${id}/reference/image-1`, thumbnailUrl: `/api/tasks/${id}/reference/image-1?thumbnail=1` },
      null,
    ]);

    const image = await get(id, "image-1");
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await image.arrayBuffer()).equals(readFileSync(ensureFixture("imagePng")))).toBe(true);
    for (const slot of ["video", "image-1"]) {
      const thumbnail = await get(id, slot, "?thumbnail=1");
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get("content-type")).toBe("image/jpeg");
      expect([...new Uint8Array(await thumbnail.arrayBuffer()).subarray(0, 2)]).toEqual([0xff, 0xd8]);
    }
    for (const [slot, query] of [
      ["image-2", ""],
      ["image-3", ""],
      ["video", ""],
      ["../secret", ""],
    ] as const) {
      const refused = await get(id, slot, query);
      expect(refused.status).toBe(404);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("reference_not_kept");
    }

    expect(await deleteFromHistory(id)).toBe("deleted");
    for (const path of [referenceSlotPath(id, "image-1"), referenceThumbnailPath(id, "video")])
      expect(existsSync(path)).toBe(false);
  });
});
