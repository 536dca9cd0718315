import { beforeAll, describe, expect, it } from "vitest";
import { GET as listTasks } from "@/app/api/tasks/route";
import { deleteTask, insertTask, updateTask } from "@/lib/server/store/tasks";
import { starTask } from "@/lib/server/tasks/history";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import type { HistoryChanges, HistoryPage } from "@/lib/tasks/view";
import { seedHistory, seededTaskId } from "../helpers/seed-history";

// 130 entries: every 10th failed, every 25th running; prompt words make searches exact.
const COUNT = 130;
const statusOf = (i: number) => (i % 25 === 3 ? "running" : i % 10 === 7 ? "failed" : "completed");
const promptOf = (i: number) =>
  i === 42 ? "A lighthouse in a storm, zebra42 waves" : `Entry ${i} of a calm meadow, ${i % 2 ? "odd" : "even"} frame`;

beforeAll(() => {
  // Every finished entry has its poster already: none is made in the background while these tests read
  // the list, since each poster made is a change that a "since" refresh (rightly) reports.
  seedHistory({
    dataDir: process.env.DATA_DIR!,
    count: COUNT,
    statusOf,
    promptOf,
    startAt: 1_700_000_000_000,
    withPosters: true,
  });
});

const get = (query = "") => listTasks(new Request(`http://localhost/api/tasks${query}`));
async function page(query = ""): Promise<HistoryPage> {
  const response = await get(query);
  expect(response.status).toBe(200);
  return (await response.json()) as HistoryPage;
}
async function refusal(query: string): Promise<{ status: number; code: string; message: string }> {
  const response = await get(query);
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, code: body.error.code, message: body.error.message };
}
const expected = (filter: (i: number) => boolean) =>
  Array.from({ length: COUNT }, (_, i) => i)
    .filter(filter)
    .map(seededTaskId);

describe("GET /api/tasks pages", () => {
  it("pages through every entry newest first, each once, with a cursor, and says when it is done", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer: HistoryPage = await page(`?limit=40${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      seen.push(...answer.tasks.map((task) => task.id));
      cursor = answer.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(seen).toEqual(expected(() => true).reverse());
  });

  it("keeps the old first-page shape (tasks, unknownSubmissions) with 50 entries by default", async () => {
    const answer = await page();
    expect(answer.tasks).toHaveLength(50);
    expect(answer.unknownSubmissions).toEqual([]);
    expect(answer.tasks[0]).toMatchObject({
      id: seededTaskId(COUNT - 1),
      starred: false,
      posterUrl: `/api/tasks/${seededTaskId(COUNT - 1)}/poster?v=1`,
    });
  });

  it("sorts oldest first, filters by status and counts per status under the search, in one answer", async () => {
    const oldest = await page("?sort=oldest&limit=3");
    expect(oldest.tasks.map((task) => task.id)).toEqual(expected(() => true).slice(0, 3));
    const failed = await page("?status=failed&limit=100");
    expect(failed.tasks.map((task) => task.id)).toEqual(expected((i) => statusOf(i) === "failed").reverse());
    const running = await page("?status=running&limit=100");
    expect(running.tasks.every((task) => task.phase === "queued" || task.phase === "generating")).toBe(true);
    expect(running.tasks).toHaveLength(expected((i) => statusOf(i) === "running").length);
    expect(failed.counts).toEqual({
      all: COUNT,
      running: expected((i) => statusOf(i) === "running").length,
      completed: expected((i) => statusOf(i) === "completed").length,
      failed: expected((i) => statusOf(i) === "failed").length,
      starred: 0,
    });
  });

  it("an entry added while paging does not shift the pages after it", async () => {
    const first = await page("?limit=10");
    await insertTask(
      {
        id: "task-unified-1799999999-newentry",
        request: { ...GENERATION_DEFAULTS, prompt: "added meanwhile", videoUrl: "https://media.example.com/a.mp4" },
        createdAt: Date.now(),
        upstreamStatus: "processing",
        progress: 1,
        estimatedSeconds: null,
        creditsReserved: null,
        resultUrl: null,
        error: null,
      },
      null,
    );
    const second = await page(`?limit=10&cursor=${encodeURIComponent(first.nextCursor!)}`);
    expect(second.tasks[0]!.id).toBe(seededTaskId(COUNT - 11));
    await deleteTask("task-unified-1799999999-newentry");
  });
});

describe("search and stars", () => {
  it("finds a unique word through the full-text index, as a prefix, case-insensitively", async () => {
    expect((await page("?q=ZEBRA4")).tasks.map((task) => task.id)).toEqual([seededTaskId(42)]);
    const odd = await page("?q=odd%20meadow&limit=100");
    expect(odd.counts.all).toBe(expected((i) => i !== 42 && i % 2 === 1).length);
  });

  // Each would mean something else as FTS5 syntax (a column filter, NEAR, AND, OR, NOT): as plain text it must not.
  it.each([
    ['"', []],
    ["*", []],
    ["-", []],
    ["NEAR", []],
    ['zebra42 "unbalanced', []],
    ['"zebra42', [42]],
    ["zebra42*", [42]],
    ["-zebra42", [42]],
    ["prompt:zebra42", []],
    ["NEAR(lighthouse storm)", []],
    ["lighthouse AND storm", []],
    ["lighthouse OR nothing", []],
  ])("searches %j as plain text, never erroring", async (q, ids) => {
    const answer = await page(`?q=${encodeURIComponent(q)}`);
    expect(answer.tasks.map((task) => task.id)).toEqual(ids.map(seededTaskId));
    expect(answer.counts.all).toBe(ids.length);
  });

  it("a search longer than 500 characters is refused with the catalog's message", async () => {
    expect(await refusal(`?q=${"a".repeat(501)}`)).toEqual({
      status: 400,
      code: "search_too_long",
      message: "The search is too long.",
    });
    expect((await get(`?q=${"a".repeat(500)}`)).status).toBe(200);
  });

  it("a starred entry shows under starred=1 and in the starred count", async () => {
    await starTask(seededTaskId(5), true);
    const starred = await page("?starred=1");
    expect(starred.tasks.map((task) => task.id)).toEqual([seededTaskId(5)]);
    expect(starred.tasks[0]!.starred).toBe(true);
    expect(starred.counts).toMatchObject({ all: 1, starred: 1 });
    await starTask(seededTaskId(5), false);
  });
});

describe("changes since the last answer", () => {
  it("an idle refresh is a few hundred bytes; a change, a deletion and a filter exit show up in the next one", async () => {
    // A token means "changed at or after this ms", so an edit by the test before, in the same ms, would count.
    await new Promise((resolve) => setTimeout(resolve, 2));
    const first = await page("?status=completed&limit=5");
    const idle = await get(`?status=completed&since=${encodeURIComponent(first.since)}`);
    const idleText = await idle.text();
    expect(idle.status).toBe(200);
    expect(idleText.length).toBeLessThan(400);
    const quiet = JSON.parse(idleText) as HistoryChanges;
    expect(quiet).toMatchObject({ changed: [], deleted: [] });

    await new Promise((resolve) => setTimeout(resolve, 2));
    await starTask(seededTaskId(1), true);
    await deleteTask(seededTaskId(2));
    await updateTask(seededTaskId(4), { upstreamStatus: "failed" });
    const changes = (await (
      await get(`?status=completed&since=${encodeURIComponent(quiet.since)}`)
    ).json()) as HistoryChanges;
    expect(changes.changed.map((task) => task.id)).toEqual([seededTaskId(1)]);
    expect(changes.deleted.sort()).toEqual([seededTaskId(2), seededTaskId(4)].sort());
    expect(changes.counts.completed).toBe(first.counts.completed - 2);
  });
});

describe("bad input: a 400 with the catalog's message, nothing read", () => {
  it.each(["0", "-1", "1000000000", "abc", "", "1.5", "101"])("limit=%j", async (limit) => {
    expect(await refusal(`?limit=${limit}`)).toMatchObject({ status: 400, code: "invalid_history_query" });
  });

  it.each([
    ["status", "done"],
    ["sort", "random"],
    ["starred", "yes"],
  ])("%s=%s", async (name, value) => {
    expect(await refusal(`?${name}=${value}`)).toMatchObject({ status: 400, code: "invalid_history_query" });
  });

  it("a garbage, truncated or tampered cursor, or one made for another filter", async () => {
    const { nextCursor } = await page("?limit=5");
    const cursor = nextCursor!;
    const [body, check] = cursor.split(".");
    const tampered = Buffer.from(
      Buffer.from(body!, "base64url")
        .toString()
        .replace(/"c":\d+/, '"c":1'),
    ).toString("base64url");
    for (const bad of ["garbage", cursor.slice(0, -3), `${tampered}.${check}`, `${cursor}.x`, "x".repeat(2000)]) {
      expect(await refusal(`?limit=5&cursor=${encodeURIComponent(bad)}`)).toEqual({
        status: 400,
        code: "invalid_cursor",
        message: "This place in the history list is no longer valid.",
      });
    }
    expect(await refusal(`?limit=5&status=failed&cursor=${encodeURIComponent(cursor)}`)).toMatchObject({
      code: "invalid_cursor",
    });
    expect(await refusal(`?limit=5&sort=oldest&cursor=${encodeURIComponent(cursor)}`)).toMatchObject({
      code: "invalid_cursor",
    });
  });

  it("a damaged since token, or a cursor together with since", async () => {
    const { since, nextCursor } = await page("?limit=5");
    expect(await refusal(`?since=${encodeURIComponent(since.slice(1))}`)).toMatchObject({ code: "invalid_cursor" });
    expect(await refusal(`?q=x&since=${encodeURIComponent(since)}`)).toMatchObject({ code: "invalid_cursor" });
    expect(
      await refusal(`?since=${encodeURIComponent(since)}&cursor=${encodeURIComponent(nextCursor!)}`),
    ).toMatchObject({ code: "invalid_history_query" });
  });
});
