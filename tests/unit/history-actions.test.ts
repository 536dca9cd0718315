import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listTasks } from "@/app/api/tasks/route";
import { PUT as star } from "@/app/api/tasks/[id]/star/route";
import { GET as poster } from "@/app/api/tasks/[id]/poster/route";
import { POST as bulkDelete } from "@/app/api/tasks/bulk-delete/route";
import { GET as zip } from "@/app/api/tasks/zip/route";
import { archivePath, posterPath } from "@/lib/server/tasks/archive";
import { makePoster, postersSettled } from "@/lib/server/tasks/poster";
import { resultFileName } from "@/lib/server/tasks/result-stream";
import { findTask, updateTask } from "@/lib/server/store/tasks";
import type { BulkDeleteResult, HistoryPage, TaskView } from "@/lib/tasks/view";
import { SEED_CLIP, seedHistory, seededTaskId } from "../helpers/seed-history";

// 0–19 completed with posters, 20–24 running, 25–29 failed, 30–39 completed without posters.
const statusOf = (i: number) => (i >= 20 && i < 25 ? "running" : i >= 25 && i < 30 ? "failed" : "completed");
const UNKNOWN = "task-unified-1234567890-zzzzzzzz";

beforeAll(async () => {
  seedHistory({ dataDir: process.env.DATA_DIR!, count: 40, statusOf, withPosters: true });
  for (let i = 30; i < 40; i++) {
    await updateTask(seededTaskId(i), { posterState: "none", posterAttempts: 0 });
    rmSync(posterPath(seededTaskId(i)));
  }
});

const params = (id: string) => ({ params: Promise.resolve({ id }) });
const json = (url: string, method: string, body: unknown) =>
  new Request(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
async function errorOf(response: Response) {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}
const snapshot = async () =>
  (await Promise.all(Array.from({ length: 40 }, (_, i) => findTask(seededTaskId(i)))))
    .map((record) => (record ? `${record.id}:${record.starred}` : "gone"))
    .join(",");

/** The names of a ZIP's entries, read from its central directory (small ZIPs, no ZIP64). */
function zipEntries(bytes: Buffer): string[] {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extra = bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
    names.push(bytes.subarray(offset + 46, offset + 46 + nameLength).toString());
    offset += 46 + nameLength + extra;
  }
  return names;
}

describe("PUT /api/tasks/{id}/star", () => {
  it("stars and unstars, answering the TaskView", async () => {
    const on = await star(json("http://localhost/x", "PUT", { starred: true }), params(seededTaskId(3)));
    expect(((await on.json()) as TaskView).starred).toBe(true);
    expect((await findTask(seededTaskId(3)))!.starred).toBe(true);
    await star(json("http://localhost/x", "PUT", { starred: false }), params(seededTaskId(3)));
    expect((await findTask(seededTaskId(3)))!.starred).toBe(false);
  });

  it("an unknown id is a 404, a malformed one or a bad body a 400; nothing changes", async () => {
    const before = await snapshot();
    expect(await errorOf(await star(json("http://l/x", "PUT", { starred: true }), params(UNKNOWN)))).toEqual({
      status: 404,
      code: "task_not_found",
      message: "This task is unknown.",
    });
    expect(await errorOf(await star(json("http://l/x", "PUT", { starred: true }), params("nope")))).toMatchObject({
      status: 400,
      code: "invalid_task_id",
    });
    for (const body of [{ starred: "yes" }, {}, { starred: true, extra: 1 }, [true]]) {
      expect(await errorOf(await star(json("http://l/x", "PUT", body), params(seededTaskId(3))))).toMatchObject({
        status: 400,
        code: "validation_failed",
      });
    }
    expect(await snapshot()).toBe(before);
  });
});

describe("POST /api/tasks/bulk-delete", () => {
  const post = (body: unknown) => bulkDelete(json("http://localhost/api/tasks/bulk-delete", "POST", body));

  it("deletes finished entries with their files, skips running ones by name, lists unknown ids", async () => {
    const ids = [seededTaskId(10), seededTaskId(21), seededTaskId(26), UNKNOWN];
    const response = await post({ ids });
    expect(response.status).toBe(200);
    const result = (await response.json()) as BulkDeleteResult;
    expect(result.deleted).toEqual([seededTaskId(10), seededTaskId(26)]);
    expect(result.skippedRunning).toEqual([
      { id: seededTaskId(21), prompt: (await findTask(seededTaskId(21)))!.request.prompt },
    ]);
    expect(result.notFound).toEqual([UNKNOWN]);
    expect(await findTask(seededTaskId(10))).toBeUndefined();
    expect(existsSync(archivePath(seededTaskId(10)))).toBe(false);
    expect(existsSync(posterPath(seededTaskId(10)))).toBe(false);
    expect(await findTask(seededTaskId(21))).toBeDefined();
  });

  it("deletes every entry a filter shows", async () => {
    const result = (await (await post({ match: { status: "failed" } })).json()) as BulkDeleteResult;
    expect(result.deleted).toHaveLength(4);
    const page = (await (
      await listTasks(new Request("http://localhost/api/tasks?status=failed"))
    ).json()) as HistoryPage;
    expect(page.tasks).toEqual([]);
  });

  it("only unknown ids, malformed ids, an empty list, too many ids or a bad body: a 4xx, nothing changes", async () => {
    const before = await snapshot();
    expect(await errorOf(await post({ ids: [UNKNOWN] }))).toMatchObject({ status: 404, code: "task_not_found" });
    expect(await errorOf(await post({ ids: [seededTaskId(1), "../etc"] }))).toMatchObject({
      status: 400,
      code: "invalid_task_id",
    });
    const tooMany = Array.from({ length: 1001 }, (_, i) => seededTaskId(i));
    for (const body of [{ ids: [] }, { ids: tooMany }, { ids: "x" }, { match: { status: "done" } }, { all: true }])
      expect(await errorOf(await post(body))).toMatchObject({ status: 400, code: "validation_failed" });
    expect(await errorOf(await post({ match: { q: "a".repeat(501) } }))).toMatchObject({ code: "search_too_long" });
    expect(await snapshot()).toBe(before);
  });
});

describe("GET /api/tasks/zip", () => {
  const get = (query: string) => zip(new Request(`http://localhost/api/tasks/zip?${query}`));

  it("streams the named results under their download names, and lists what is missing", async () => {
    const ids = [seededTaskId(0), seededTaskId(1), seededTaskId(2), seededTaskId(22)];
    const response = await get(`ids=${ids.join(",")}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/zip");
    expect(response.headers.get("content-disposition")).toBe('attachment; filename="kling-studio-3-videos.zip"');
    const bytes = Buffer.from(await response.arrayBuffer());
    const names = await Promise.all(ids.slice(0, 3).map(async (id) => resultFileName((await findTask(id))!)));
    expect(zipEntries(bytes)).toEqual([...names, "MISSING.txt"]);
    expect(bytes.length).toBeGreaterThan(3 * readFileSync(SEED_CLIP).length);
    expect(bytes.includes(readFileSync(SEED_CLIP))).toBe(true);
  });

  it("zips every entry a filter shows with match=1", async () => {
    const response = await get("match=1&status=completed&q=word3");
    const names = await Promise.all(
      [39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 3].map(async (i) => resultFileName((await findTask(seededTaskId(i)))!)),
    );
    expect(zipEntries(Buffer.from(await response.arrayBuffer()))).toEqual(names);
  });

  it("0 entries, more than 500, malformed ids, or none with a saved video: a 400 saying so", async () => {
    expect(await errorOf(await get("ids="))).toEqual({
      status: 400,
      code: "zip_empty",
      message: "There is no video to put in a ZIP.",
    });
    const many = Array.from({ length: 10_000 }, (_, i) => seededTaskId(i)).join(",");
    expect(await errorOf(await get(`ids=${many}`))).toEqual({
      status: 400,
      code: "zip_too_many",
      message: "That is more videos than one ZIP can hold.",
    });
    expect(await errorOf(await get("ids=a,b"))).toMatchObject({ status: 400, code: "invalid_task_id" });
    expect(await errorOf(await get(`ids=${seededTaskId(22)},${UNKNOWN}`))).toMatchObject({ code: "zip_empty" });
    expect(await errorOf(await get("match=1&status=nope"))).toMatchObject({ code: "invalid_history_query" });
  });
});

describe("posters", () => {
  const getPoster = (id: string, headers: Record<string, string> = {}) =>
    poster(new Request(`http://localhost/api/tasks/${id}/poster?v=1`, { headers }), params(id));

  it("serves a ready poster as a JPEG cacheable for good, with an ETag that answers 304", async () => {
    const response = await getPoster(seededTaskId(0));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(response.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const again = await getPoster(seededTaskId(0), { "if-none-match": response.headers.get("etag")! });
    expect(again.status).toBe(304);
  });

  it("no poster, or a task not created here: a 404 from the catalog", async () => {
    expect(await errorOf(await getPoster(seededTaskId(22)))).toEqual({
      status: 404,
      code: "poster_not_found",
      message: "This entry has no poster image yet.",
    });
    expect(await errorOf(await getPoster(UNKNOWN))).toMatchObject({ status: 404, code: "task_not_found" });
    expect(await errorOf(await getPoster("x"))).toMatchObject({ status: 400, code: "invalid_task_id" });
  });

  it("listing archived entries without a poster has them made in the background (ffmpeg)", async () => {
    await listTasks(new Request("http://localhost/api/tasks?q=word31"));
    await postersSettled();
    const record = (await findTask(seededTaskId(31)))!;
    expect(record.posterState).toBe("ready");
    const jpeg = readFileSync(posterPath(record.id));
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const page = (await (await listTasks(new Request("http://localhost/api/tasks?q=word31"))).json()) as HistoryPage;
    expect(page.tasks[0]!.posterUrl).toBe(`/api/tasks/${record.id}/poster?v=1`);
  });

  it("a damaged archive leaves the task completed and the poster failed; no ffmpeg leaves it unavailable", async () => {
    const id = seededTaskId(32);
    rmSync(archivePath(id));
    writeFileSync(archivePath(id), "not a video");
    expect(await makePoster(id)).toBe("failed");
    expect(await findTask(id)).toMatchObject({ posterState: "failed", posterAttempts: 1, upstreamStatus: "completed" });
    expect(existsSync(posterPath(id))).toBe(false);

    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      expect(await makePoster(seededTaskId(33))).toBe("unavailable");
    } finally {
      process.env.PATH = path;
    }
    expect((await findTask(seededTaskId(33)))!.posterState).toBe("unavailable");
  });
});
