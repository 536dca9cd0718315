import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { generationRequestSchema, fieldErrors, type GenerationRequest } from "@/lib/generation/schema";
import { startSimulator, type RunningSimulator } from "@/lib/simulator/server";
import { failedSlots, findSubmission } from "@/lib/server/store/submissions";
import { findTask, insertTask, updateTask } from "@/lib/server/store/tasks";
import { archiveTask, referencePath } from "@/lib/server/tasks/archive";
import { deleteFromHistory, listHistory } from "@/lib/server/tasks/history";
import { IdempotencyConflict } from "@/lib/server/tasks/submit";
import { refreshTaskNow } from "@/lib/server/tasks/refresh";
import { submitVariants, SUBMISSION_KEY_PATTERN, variantGroupId, variantKey } from "@/lib/server/tasks/variants";
import { groupCounts, groupEntries } from "@/lib/client/variant-groups";
import type { TaskView } from "@/lib/tasks/view";
import { POST as createRoute } from "@/app/api/generations/route";
import { GET as referenceRoute } from "@/app/api/tasks/[id]/reference/route";

let sim: RunningSimulator;
const KEY = "sk-test-variants";
const saved = { ...process.env };

beforeAll(async () => {
  sim = await startSimulator({ apiKey: KEY, taskSeconds: 1, publicFilesBase: "" });
  Object.assign(process.env, {
    EVOLINK_API_KEY: KEY,
    EVOLINK_API_BASE: sim.url,
    EVOLINK_FILES_BASE: sim.url,
    POLL_INTERVAL_MS: "1000",
  });
});

afterAll(async () => {
  process.env = saved;
  await sim.close();
});

const request = (prompt: string, variants: number): GenerationRequest => ({
  ...GENERATION_DEFAULTS,
  prompt,
  videoUrl: "https://media.example.com/a.mp4",
  variants,
});
const createsFor = async (prompt: string) =>
  (
    (await (await fetch(`${sim.url}/__sim/log`)).json()) as {
      creates: Array<{ body: { prompt?: string } | null; taskId: string | null }>;
    }
  ).creates.filter((entry) => entry.body?.prompt === prompt);

describe("variant keys", () => {
  it("keeps a single take's key and derives one per take of a group that no browser can send", async () => {
    expect(variantKey("abcdefgh-1", 0, 1)).toBe("abcdefgh-1");
    expect([0, 1, 2, 3].map((index) => variantKey("abcdefgh-1", index, 4))).toEqual([
      "abcdefgh-1:0",
      "abcdefgh-1:1",
      "abcdefgh-1:2",
      "abcdefgh-1:3",
    ]);
    expect(SUBMISSION_KEY_PATTERN.test("abcdefgh-1:3")).toBe(true);
    expect(SUBMISSION_KEY_PATTERN.test("abcdefgh-1:4")).toBe(false);
    expect(variantGroupId("abcdefgh-1")).toMatch(/^[0-9a-f]{24}$/);
    expect(variantGroupId("abcdefgh-1")).toBe(variantGroupId("abcdefgh-1"));
    expect(variantGroupId("abcdefgh-2")).not.toBe(variantGroupId("abcdefgh-1"));
  });
});

describe("the variants field", () => {
  const parse = (variants: unknown) =>
    generationRequestSchema.safeParse({ ...request("<<<video_1>>> a take", 1), variants });
  it.each([
    [0, "Variants must be at least 1."],
    [5, "Variants can be at most 4 takes per Generate."],
    [2.5, "Variants must be a whole number (no fractions)."],
    ["2", "Variants must be a whole number from 1 to 4."],
    [Number.NaN, "Variants must be a whole number from 1 to 4."],
  ])("refuses %s with a clear message", (variants, message) => {
    const parsed = parse(variants);
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(fieldErrors(parsed.error).variants).toBe(message);
  });
  it.each([1, 2, 3, 4, undefined])("accepts %s", (variants) => expect(parse(variants).success).toBe(true));
});

describe("submitting variants", () => {
  it("makes one upstream task per take, once, however often the same key comes back", async () => {
    const prompt = "<<<video_1>>> four takes of a lighthouse";
    const first = await submitVariants(request(prompt, 4), "variant-key-four");
    if ("task" in first) throw new Error("expected a group");
    expect(first.replayed).toBe(false);
    expect(first.takes.map((take) => take.task?.variant?.index)).toEqual([0, 1, 2, 3]);
    const groupIds = new Set(first.takes.map((take) => take.task?.variant?.groupId));
    expect([...groupIds]).toEqual([variantGroupId("variant-key-four")]);
    // A double click (at once) and a retry (afterwards) replay the same four.
    const [again, retry] = await Promise.all([
      submitVariants(request(prompt, 4), "variant-key-four"),
      submitVariants(request(prompt, 4), "variant-key-four"),
    ]);
    for (const replay of [again, retry]) {
      if ("task" in replay) throw new Error("expected a group");
      expect(replay.replayed).toBe(true);
      expect(replay.takes.map((take) => take.task?.id)).toEqual(first.takes.map((take) => take.task?.id));
    }
    expect(await createsFor(prompt)).toHaveLength(4);
  });

  it("keeps a refused take's slot with its error and never resends it", async () => {
    const prompt = "<<<video_1>>> three takes, the third refused [sim:third-refused]";
    const outcome = await submitVariants(request(prompt, 3), "variant-key-refused");
    if ("task" in outcome) throw new Error("expected a group");
    expect(outcome.takes.map((take) => Boolean(take.task))).toEqual([true, true, false]);
    expect(outcome.takes[2]?.error?.code).toBe("insufficient_quota");
    const groupId = variantGroupId("variant-key-refused");
    expect(await failedSlots(groupId)).toEqual([
      { index: 2, error: expect.objectContaining({ code: "insufficient_quota" }) },
    ]);
    // The takes made before the refusal show it too.
    expect(outcome.takes[0]?.task?.variant?.failed.map((slot) => slot.index)).toEqual([2]);
    await submitVariants(request(prompt, 3), "variant-key-refused");
    expect(await createsFor(prompt)).toHaveLength(3);
    expect((await findSubmission("variant-key-refused:2"))?.state).toBe("rejected");
  });

  it("throws the refusal when no take was made, and a key reused with another count is a conflict", async () => {
    await expect(
      submitVariants(request("<<<video_1>>> no quota [sim:insufficient-quota]", 2), "variant-key-none"),
    ).rejects.toMatchObject({ code: "insufficient_quota" });
    await submitVariants(request("<<<video_1>>> one take", 1), "variant-key-single");
    await expect(submitVariants(request("<<<video_1>>> one take", 2), "variant-key-single")).rejects.toBeInstanceOf(
      IdempotencyConflict,
    );
    await expect(
      submitVariants(request("<<<video_1>>> four takes of a lighthouse", 1), "variant-key-four"),
    ).rejects.toBeInstanceOf(IdempotencyConflict);
  });

  it("answers a group from the route, and refuses bad variants with a 400 and nothing sent", async () => {
    const post = (body: unknown, key: string) =>
      createRoute(
        new Request("http://127.0.0.1/api/generations", {
          method: "POST",
          headers: { "Content-Type": "application/json", "Idempotency-Key": key, Host: "127.0.0.1" },
          body: JSON.stringify(body),
        }),
      );
    const prompt = "<<<video_1>>> two takes through the route";
    const answer = await post(request(prompt, 2), "variant-route-1");
    expect(answer.status).toBe(201);
    const body = (await answer.json()) as { groupId: string; takes: Array<{ task: TaskView | null }> };
    expect(body.takes).toHaveLength(2);
    for (const variants of [0, 5, 2.5]) {
      const refused = await post(
        { ...request("<<<video_1>>> refused variants", 1), variants },
        `variant-bad-${variants}`.replace(".", "-"),
      );
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: { fields: Record<string, string> } }).error.fields.variants).toMatch(
        /Variants/,
      );
    }
    expect(await createsFor("<<<video_1>>> refused variants")).toHaveLength(0);
  });
});

describe("the history's groups", () => {
  it("puts the takes of one group in one item, in take order, and counts them", async () => {
    const prompt = "<<<video_1>>> grouped in the history [sim:third-refused]";
    await submitVariants(request(prompt, 3), "variant-key-history");
    const page = await listHistory();
    const entries = groupEntries(page.tasks);
    const group = entries.find((entry) => entry.key === `group:${variantGroupId("variant-key-history")}`);
    expect(group?.tasks.map((task) => task.variant?.index)).toEqual([0, 1]);
    expect(entries.filter((entry) => entry.tasks.some((task) => task.prompt === prompt))).toHaveLength(1);
    expect(groupCounts(group?.tasks ?? [])).toEqual({ finished: 0, failed: 1, running: 2, total: 3 });
  });
});

describe("the reference kept with the result", () => {
  // Real result links of finished simulator tasks: one stands for the result, the other for the reference.
  const links: string[] = [];
  beforeAll(async () => {
    for (const n of [1, 2]) {
      const made = await submitVariants(request(`<<<video_1>>> a source clip ${n}`, 1), `variant-source-${n}`);
      if (!("task" in made)) throw new Error("expected one task");
      await new Promise((resolve) => setTimeout(resolve, 1_300));
      await refreshTaskNow(made.task.id);
      links.push((await findTask(made.task.id))?.resultUrl ?? "");
    }
  });
  const record = (id: string, videoUrl: string) =>
    insertTask(
      {
        id,
        request: { ...request("<<<video_1>>> kept reference", 1), videoUrl },
        createdAt: Date.now(),
        upstreamStatus: "completed",
        progress: 100,
        estimatedSeconds: null,
        creditsReserved: null,
        resultUrl: links[0] ?? null,
        error: null,
      },
      null,
    );

  it("copies the reference beside the result, serves it with Range, and deletes it with the entry", async () => {
    const id = "task-unified-1700000001-refkeep1";
    const made = await record(id, links[1] ?? "");
    await archiveTask(made);
    expect((await findTask(id))?.archiveState).toBe("archived");
    expect((await findTask(id))?.referenceState).toBe("archived");
    expect(existsSync(referencePath(id))).toBe(true);
    const ranged = await referenceRoute(
      new Request(`http://127.0.0.1/api/tasks/${id}/reference`, { headers: { Range: "bytes=0-7", Host: "127.0.0.1" } }),
      { params: Promise.resolve({ id }) },
    );
    expect(ranged.status).toBe(206);
    expect(
      Buffer.from(await ranged.arrayBuffer())
        .subarray(4, 8)
        .toString("latin1"),
    ).toBe("ftyp");
    expect(await deleteFromHistory(id)).toBe("deleted");
    expect(existsSync(referencePath(id))).toBe(false);
  });

  it("marks a reference whose link is gone, keeps the result, and the route says so", async () => {
    const id = "task-unified-1700000003-refgone1";
    await archiveTask(await record(id, `${sim.url}/files/nobody/missing.mp4`));
    expect((await findTask(id))?.archiveState).toBe("archived");
    expect((await findTask(id))?.referenceState).toBe("gone");
    const answer = await referenceRoute(
      new Request(`http://127.0.0.1/api/tasks/${id}/reference`, { headers: { Host: "127.0.0.1" } }),
      { params: Promise.resolve({ id }) },
    );
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe("reference_not_kept");
    await updateTask(id, { referenceState: "none" });
  });
});
