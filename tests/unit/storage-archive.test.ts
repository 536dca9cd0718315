import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { findTask, insertTask } from "@/lib/server/store/tasks";
import { archiveKey, archiveTask, posterKey, referenceSlotKey } from "@/lib/server/tasks/archive";
import { makePoster, readPoster } from "@/lib/server/tasks/poster";
import { deleteFromHistory } from "@/lib/server/tasks/history";
import { refreshTaskNow } from "@/lib/server/tasks/refresh";
import { submitVariants } from "@/lib/server/tasks/variants";
import { zipResults } from "@/lib/server/tasks/zip";
import { bucket as configuredBucket } from "@/lib/server/storage";
import { completeUpload, signUpload } from "@/lib/server/uploads/direct";
import { GET as videoRoute } from "@/app/api/tasks/[id]/video/route";
import { GET as referenceRoute } from "@/app/api/tasks/[id]/reference/route";
import { ensureFixture } from "../fixtures/media-fixtures";
import { startBucket, type RunningBucket } from "../helpers/bucket";

// Archived results, posters and kept references in the bucket: written there, served by redirect, removed with
// their entry; and an archive that meets an unreachable bucket fails with the reason and succeeds on a retry.

let sim: RunningSimulator;
let bucket: RunningBucket;
const KEY = "sk-test-storage-archive";
const saved = { ...process.env };
let resultLink = "";

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 1, publicFilesBase: "" });
  bucket = await startBucket();
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "1000",
  });
  const made = await submitVariants(
    {
      ...GENERATION_DEFAULTS,
      prompt: "<<<video_1>>> a harbour at dawn",
      videoUrl: "https://media.example.com/a.mp4",
      variants: 1,
    },
    "storage-archive-source",
  );
  if (!("task" in made)) throw new Error("expected one task");
  await new Promise((resolve) => setTimeout(resolve, 1_300));
  await refreshTaskNow(made.task.id);
  resultLink = (await findTask(made.task.id))?.resultUrl ?? "";
});

beforeEach(() => {
  Object.assign(process.env, bucket.env("unit/archive"));
});

afterAll(async () => {
  process.env = saved;
  await Promise.all([sim.close(), bucket.stop()]);
});

const completed = (id: string, videoUrl: string) =>
  insertTask(
    {
      id,
      request: { ...GENERATION_DEFAULTS, prompt: "<<<video_1>>> a harbour at dawn", videoUrl, imageUrls: [] },
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

const routeParams = (id: string) => ({ params: Promise.resolve({ id }) });
const request = (path: string) => new Request(`http://127.0.0.1${path}`, { headers: { Host: "127.0.0.1" } });

/** A reference uploaded straight to the bucket, as the browser does it; its link for Evolink. */
async function directReference(): Promise<string> {
  const store = configuredBucket();
  if (!store) throw new Error("expected a bucket");
  const bytes = readFileSync(ensureFixture("goodMp4"));
  const signed = await signUpload(store, { kind: "video", size: bytes.length, type: "video/mp4" });
  if (!signed.ok) throw new Error(signed.detail);
  await fetch(signed.uploadUrl, { method: "PUT", headers: signed.headers, body: new Uint8Array(bytes) });
  const outcome = await completeUpload(store, signed.key, "clip.mp4");
  if (!outcome.ok) throw new Error(outcome.detail);
  return outcome.fileUrl;
}

describe("archive in the bucket", () => {
  it("keeps the result, its poster and its directly uploaded reference there, serves them by redirect, deletes them", async () => {
    const id = "task-unified-1700000101-bucketa1";
    const reference = await directReference();
    await archiveTask(await completed(id, reference));
    const record = await findTask(id);
    expect(record?.archiveState).toBe("archived");
    expect(record?.referenceState).toBe("archived");
    const store = configuredBucket();
    const original = readFileSync(ensureFixture("goodMp4"));
    expect(await store?.size(referenceSlotKey(id, "video"))).toBe(original.length);
    expect(await store?.size(archiveKey(id))).toBe(record?.archiveBytes);

    expect(await makePoster(id)).toBe("ready");
    const poster = await readPoster(id);
    expect(poster === "none" || poster === "unknown" ? null : [...poster.bytes.subarray(0, 2)]).toEqual([0xff, 0xd8]);

    const preview = await videoRoute(request(`/api/tasks/${id}/video?download`), routeParams(id));
    expect(preview.status).toBe(302);
    const location = new URL(preview.headers.get("location") ?? "");
    expect(location.searchParams.get("response-content-disposition")).toMatch(/^attachment; filename="kling-/);
    const ranged = await fetch(location, { headers: { Range: "bytes=0-99" } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get("content-disposition")).toMatch(/^attachment; filename="kling-a-harbour-at-dawn-/);
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    expect((await referenceRoute(request(`/api/tasks/${id}/reference`), routeParams(id))).status).toBe(302);

    expect(await deleteFromHistory(id)).toBe("deleted");
    for (const key of [archiveKey(id), posterKey(id), referenceSlotKey(id, "video")])
      expect(await store?.size(key)).toBeNull();
  });

  it("a ZIP of results kept in the bucket streams each one from there", async () => {
    const ids = ["task-unified-1700000103-bucketc3", "task-unified-1700000104-bucketd4"];
    for (const id of ids) await archiveTask(await completed(id, "https://media.example.com/a.mp4"));
    const zipped = await zipResults([...ids, "task-unified-1700000105-bucketmiss"], new AbortController().signal);
    if (!zipped.ok) throw new Error(zipped.detail);
    const bytes = Buffer.from(await zipped.response.arrayBuffer());
    const sizes = await Promise.all(ids.map(async (id) => (await findTask(id))?.archiveBytes ?? 0));
    // Stored uncompressed: both whole videos and the list of what is missing.
    expect(bytes.length).toBeGreaterThan(sizes[0]! + sizes[1]!);
    expect(bytes.includes(Buffer.from("MISSING.txt"))).toBe(true);
    expect(bytes.includes(Buffer.from(`${ids[1]}.mp4`))).toBe(true);
  });

  it("an unreachable bucket fails the archive with the reason before the download, and a retry succeeds", async () => {
    const id = "task-unified-1700000102-bucketb2";
    await bucket.pause();
    try {
      await archiveTask(await completed(id, "https://media.example.com/a.mp4"));
    } finally {
      await bucket.restart();
    }
    const failed = await findTask(id);
    expect(failed?.archiveState).toBe("failed");
    expect(failed?.archiveError).toMatch(/^Could not save a copy: the object storage could not be reached\./);
    await archiveTask(failed!);
    expect((await findTask(id))?.archiveState).toBe("archived");
    expect(await configuredBucket()?.size(archiveKey(id))).toBeGreaterThan(1000);
  });
});
