import { describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import {
  changedSince,
  countTasks,
  deletedSince,
  historyFilter,
  matchingIds,
  pageTasks,
  setStarred,
} from "@/lib/server/store/history";
import { beginElement } from "@/lib/server/store/elements";
import { beginSubmission, settleSubmission, taskIdForCallbackToken } from "@/lib/server/store/submissions";
import { deleteTask, findTask, insertTask, updateTask } from "@/lib/server/store/tasks";
import { findUploads, recordUpload } from "@/lib/server/store/uploads";
import { ENGINES, useEngine } from "./store-engines";

// The store's own API, the same assertions on each engine: what the routes' suites rely on, read straight.
const taskId = (i: number) => `task-unified-${1_800_000_000 + i}-feature${String.fromCharCode(97 + (i % 26))}`;
const PROMPTS = [
  "A slow dolly shot over the lake at dawn",
  "Dolly zoom on a lighthouse, stormy night",
  "Café terrace in Paris, people walking",
  'A "quoted" prompt with NEAR AND - * column:filter syntax',
  "Drone flight over snowy mountains",
];

async function seed(): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, prompt] of PROMPTS.entries()) {
    const id = taskId(i);
    await insertTask(
      {
        id,
        request: { ...GENERATION_DEFAULTS, prompt, videoUrl: "https://media.example.com/a.mp4" },
        createdAt: 1_000 + i,
        upstreamStatus: i === 4 ? "processing" : "completed",
        progress: i === 4 ? 40 : 100,
        estimatedSeconds: null,
        creditsReserved: 12.5,
        resultUrl: i === 4 ? null : `https://cdn.example.com/${i}.mp4`,
        error: null,
      },
      null,
    );
    ids.push(id);
  }
  return ids;
}

describe.each(ENGINES)("the store on %s", (engine) => {
  useEngine(engine);

  it("pages in a stable order, searches words as prefixes (any syntax is plain text), stars and counts", async () => {
    const ids = await seed();
    const all = historyFilter("all", "", false);
    const first = await pageTasks(all, "newest", null, 2);
    expect(first.map((task) => task.id)).toEqual([ids[4], ids[3]]);
    const next = await pageTasks(all, "newest", { createdAt: first[1]!.createdAt, id: first[1]!.id }, 2);
    expect(next.map((task) => task.id)).toEqual([ids[2], ids[1]]);
    expect((await pageTasks(all, "oldest", null, 1)).map((task) => task.id)).toEqual([ids[0]]);

    const search = async (q: string) => matchingIds(historyFilter("all", q, false));
    expect(await search("dolly")).toEqual([ids[1], ids[0]]);
    expect(await search("DOLL light")).toEqual([ids[1]]);
    expect(await search("caf")).toEqual([ids[2]]);
    expect(await search('"quoted" NEAR column:filter *')).toEqual([ids[3]]);
    expect(await search("-")).toEqual([]);
    expect(await search("nothing-like-this")).toEqual([]);

    expect(await setStarred(ids[1]!, true)).toBe(true);
    expect(await setStarred("task-unified-1800000099-missingx", true)).toBe(false);
    expect((await findTask(ids[1]!))?.starred).toBe(true);
    expect(await matchingIds(historyFilter("all", "", true))).toEqual([ids[1]]);
    expect(await countTasks(all)).toEqual({ all: 5, running: 1, completed: 4, failed: 0, starred: 1 });
    expect(await countTasks(historyFilter("all", "dolly", false))).toEqual({
      all: 2,
      running: 0,
      completed: 2,
      failed: 0,
      starred: 1,
    });
    await updateTask(ids[0]!, { archiveState: "expired" });
    expect((await countTasks(historyFilter("failed", "", false))).failed).toBe(1);
    expect(await matchingIds(historyFilter("failed", "", false))).toEqual([ids[0]]);
    expect(await matchingIds(historyFilter("running", "", false), 1)).toEqual([ids[4]]);
  });

  it("reports changes and deletions since a time, with a tombstone per deleted entry", async () => {
    const since = Date.now();
    const ids = (await matchingIds(historyFilter("all", "", false))).reverse();
    await updateTask(ids[2]!, { progress: 100, starred: true });
    expect(await deleteTask(ids[3]!)).toBe(true);
    expect(await deleteTask(ids[3]!)).toBe(false);
    const { changed, left } = await changedSince(historyFilter("all", "", false), since);
    expect(changed.map((task) => task.id)).toEqual([ids[2]]);
    expect(left).toEqual([]);
    expect((await changedSince(historyFilter("running", "", false), since)).left).toEqual([ids[2]]);
    expect(await deletedSince(since)).toEqual([ids[3]]);
    expect(await findTask(ids[3]!)).toBeUndefined();
  });

  it("claims a key once however many claims arrive at the same moment, and finds a task by its callback token", async () => {
    const claims = await Promise.all(
      Array.from({ length: 12 }, () => beginSubmission("same-key-0001", "hash", "{}", "token-hash-1")),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await taskIdForCallbackToken("token-hash-1")).toBeUndefined();
    await settleSubmission("same-key-0001", "created", { taskId: "task-unified-1800000000-featurea" });
    expect(await taskIdForCallbackToken("token-hash-1")).toBe("task-unified-1800000000-featurea");
    const element = { name: "Gull", description: "", frontalImageUrl: "https://f/1.png", extraImageUrls: [] };
    const elementClaims = await Promise.all(
      Array.from({ length: 6 }, (_, i) => beginElement(`el-00000000000000${10 + i}`, "el-same-key", "h", element)),
    );
    expect(elementClaims.filter(Boolean)).toHaveLength(1);
  });

  it("keeps one row per uploaded file, the latest record winning", async () => {
    await recordUpload({ fileUrl: "https://f/u.png", kind: "image", originalName: "first.png", expiresAt: null });
    await recordUpload({ fileUrl: "https://f/u.png", kind: "image", originalName: "again.png", expiresAt: "2099" });
    const found = await findUploads(["https://f/u.png", "https://f/other.png"]);
    expect([...found.values()]).toEqual([
      { fileUrl: "https://f/u.png", kind: "image", originalName: "again.png", expiresAt: "2099" },
    ]);
  });
});
