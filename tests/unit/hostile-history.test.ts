import { readdirSync } from "node:fs";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { GET as listTasks } from "@/app/api/tasks/route";
import { GET as poster } from "@/app/api/tasks/[id]/poster/route";
import { PUT as star } from "@/app/api/tasks/[id]/star/route";
import { POST as bulkDelete } from "@/app/api/tasks/bulk-delete/route";
import { GET as zip } from "@/app/api/tasks/zip/route";
import { ERROR_CATALOG, isKnownCode } from "@/lib/errors";
import { archiveDir } from "@/lib/server/tasks/archive";
import { rawSqlite } from "./store-engines";
import { HISTORY_SORTS, HISTORY_STATUSES, type HistoryPage } from "@/lib/tasks/view";
import { seedHistory, seededTaskId } from "../helpers/seed-history";

// The history's routes under fuzzed input (the "Bad input" list, generalised): never a 500, every 4xx a
// catalog error, and the store (rows, stars, tombstones, archived files) exactly as it was. Split from
// hostile-input.test.ts because these need a seeded store rather than a simulator.

// 0–11 completed (with posters), 12–15 running, 16–19 failed.
const COUNT = 20;
const statusOf = (i: number) => (i < 12 ? "completed" : i < 16 ? "running" : "failed");
const seeded = Array.from({ length: COUNT }, (_, i) => seededTaskId(i));
const RUNS = 150;

let cursor = "";
let since = "";

beforeAll(async () => {
  seedHistory({ dataDir: process.env.DATA_DIR!, count: COUNT, statusOf, withPosters: true });
  (await rawSqlite()).prepare("UPDATE tasks SET starred = 1 WHERE id IN (?, ?)").run(seeded[2], seeded[17]);
  const page = (await (await listTasks(new Request("http://s/api/tasks?limit=5"))).json()) as HistoryPage;
  cursor = page.nextCursor!;
  since = page.since;
});

/** Every row and tombstone as stored, and the archived files: what "nothing changes" compares. */
const storeState = async () =>
  JSON.stringify([
    (await rawSqlite()).prepare("SELECT * FROM tasks ORDER BY id").all(),
    (await rawSqlite()).prepare("SELECT * FROM deleted_tasks ORDER BY id").all(),
    readdirSync(archiveDir()).sort(),
  ]);

/** Never a 500; a 4xx carries a catalog code with its catalog message. Returns the status. */
async function expectNoServerError(response: Response): Promise<number> {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) {
    const body = (await response.json()) as { error?: { code?: string; message?: string } };
    const code = body.error?.code ?? "";
    expect(isKnownCode(code), `code ${code}`).toBe(true);
    if (isKnownCode(code)) expect(body.error?.message).toBe(ERROR_CATALOG[code].title);
  } else {
    await response.body?.cancel();
  }
  return response.status;
}

/** Runs a property and checks the store is unchanged by all of it. */
async function unchanged<T>(property: fc.IAsyncPropertyWithHooks<T>) {
  const before = await storeState();
  await fc.assert(property, { numRuns: RUNS });
  expect(await storeState()).toBe(before);
}

const junk = fc.string({ unit: "binary", maxLength: 60 });
/** A token truncated, with one character changed, with a part added, or with its parts swapped. */
const mangled = (token: () => string) =>
  fc.oneof(
    fc.nat({ max: 80 }).map((n) => token().slice(0, n)),
    fc.tuple(fc.nat({ max: 80 }), fc.string({ minLength: 1, maxLength: 1 })).map(([n, c]) => {
      const t = token();
      const at = n % t.length;
      return t.slice(0, at) + c + t.slice(at + 1);
    }),
    fc.constant("").map(() => `${token()}.x`),
    fc.constant("").map(() => token().split(".").reverse().join(".")),
  );
// A parameter absent, junk, a value the route accepts, or one near it: weighted towards absent and near values,
// so that many combinations get past the first refusal.
const param = (...near: fc.Arbitrary<string>[]) =>
  fc.option(fc.oneof(junk, ...near.map((arbitrary) => ({ arbitrary, weight: 4 }))), { nil: undefined, freq: 2 });
const idLike = fc.oneof(
  junk,
  fc.constantFrom(...seeded),
  fc.constantFrom(...seeded).map((id) => `${id} `),
  fc.constantFrom(...seeded).map((id) => `../${id}`),
  fc.constant("task-unified-1234567890-zzzzzzzz"),
);

const BAD_LIMITS = ["0", "-1", "101", "1e2", "0x10", "1000000000", " 5", "5.0", "abc"];

describe("GET /api/tasks under arbitrary query parameters", () => {
  it("answers every combination without a 500 and changes nothing", async () => {
    const query = fc.record({
      cursor: param(
        mangled(() => cursor),
        fc.constant("").map(() => cursor),
      ),
      since: param(
        mangled(() => since),
        fc.constant("").map(() => since),
      ),
      limit: param(fc.constantFrom("1", "100", ...BAD_LIMITS)),
      status: param(fc.constantFrom(...HISTORY_STATUSES, "RUNNING", "queued", "")),
      q: param(
        fc.constantFrom('"', "*", "NEAR", "a AND b", '"unbalanced', "-", "word1*", "NOT", "^", "(", "a:b"),
        fc.string({ minLength: 490, maxLength: 520 }),
      ),
      starred: param(fc.constantFrom("0", "1", "true", "")),
      sort: param(fc.constantFrom(...HISTORY_SORTS, "NEWEST", "")),
    });
    await unchanged(
      fc.asyncProperty(query, async (values) => {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(values)) if (value !== undefined) search.set(key, value);
        const status = await expectNoServerError(await listTasks(new Request(`http://s/api/tasks?${search}`)));
        // A page's limit is refused unless a whole number from 1 to 100 (a `since` refresh takes no limit).
        if (values.since === undefined && BAD_LIMITS.includes(values.limit ?? "")) expect(status).toBe(400);
      }),
    );
  });

  it("searches any q up to 500 characters as plain text: FTS syntax is never an error", async () => {
    const fts = fc.constantFrom('"', "*", "NEAR(", "AND", "OR", "NOT", "-", "^", ":", "(", ")", "{", "+", "word1");
    const q = fc.oneof(
      junk,
      fc.array(fc.oneof(fts, junk), { maxLength: 8 }).map((parts) => parts.join(" ")),
    );
    await unchanged(
      fc.asyncProperty(q, fc.constantFrom(...HISTORY_STATUSES), fc.boolean(), async (text, status, starred) => {
        const search = new URLSearchParams({ q: text, status, starred: starred ? "1" : "0" });
        expect(await expectNoServerError(await listTasks(new Request(`http://s/api/tasks?${search}`)))).toBe(200);
      }),
    );
  });

  it("answers raw, badly encoded query strings without a 500", async () => {
    const raw = fc.oneof(junk, fc.constantFrom("%", "%E0%A4%A", "q=%FF%FE", "cursor=%00", "&&==&", "q=a&q=b"));
    await unchanged(
      fc.asyncProperty(raw, async (text) => {
        const url = `http://s/api/tasks?${text}`;
        fc.pre(URL.canParse(url));
        await expectNoServerError(await listTasks(new Request(url)));
      }),
    );
  });
});

const routeParams = (id: string) => ({ params: Promise.resolve({ id }) });
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
  junk,
  fc.constantFrom("", "{", '{"starred":true', '{"starred":"true"}', '{"starred":1}', '{"starred":true,"x":1}'),
  fc.constantFrom('{"ids":["'.repeat(2000), `{"ids":[${'"a",'.repeat(30_000)}"a"]}`),
);
const contentType = fc.constantFrom("application/json", "text/plain", "application/json; charset=latin1", "");
const isStarBody = (text: string) => {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === "object" && value !== null && "starred" in value && typeof value.starred === "boolean";
  } catch {
    return false;
  }
};

describe("PUT /api/tasks/{id}/star under arbitrary ids and bodies", () => {
  it("refuses every one with a catalog 4xx and stars nothing", async () => {
    await unchanged(
      fc.asyncProperty(idLike, body, contentType, async (id, text, type) => {
        // A well-formed star of a seeded task is a legitimate change, not hostile input.
        fc.pre(!(seeded.includes(id) && type.startsWith("application/json") && isStarBody(text)));
        const request = new Request(`http://s/api/tasks/x/star`, {
          method: "PUT",
          headers: type ? { "content-type": type } : {},
          body: text,
        });
        expect(await expectNoServerError(await star(request, routeParams(id)))).toBeGreaterThanOrEqual(400);
      }),
    );
  });
});

describe("POST /api/tasks/bulk-delete under arbitrary JSON", () => {
  const running = seeded.slice(12, 16);
  const near = fc.oneof(
    // Finished ids with one that is malformed: the whole request is refused, none deleted.
    fc.tuple(fc.subarray(seeded, { minLength: 1 }), junk).map(([ids, bad]) => ({ ids: [...ids, `${bad}/`] })),
    // Valid ids with a key the body does not take.
    fc.subarray(seeded, { minLength: 1 }).map((ids) => ({ ids, all: true })),
    fc
      .record({
        status: junk.filter((s) => !(HISTORY_STATUSES as readonly string[]).includes(s)),
        q: junk,
        starred: fc.jsonValue(),
      })
      .map((match) => ({ match })),
    fc.string({ minLength: 501, maxLength: 600 }).map((q) => ({ match: { q } })),
    fc.subarray(running, { minLength: 1 }).map((ids) => ({ ids })),
    fc.constant({ ids: [] }),
    fc.constant({ ids: ["task-unified-1234567890-zzzzzzzz"] }),
  );
  // `{ match: {...} }` with a valid filter deletes what it matches: a legitimate request, never generated here.
  const anyJson = fc
    .jsonValue({ maxDepth: 4 })
    .filter((value) => !(typeof value === "object" && value !== null && "match" in value));

  it("refuses each (or skips only running ones) without a 500, and deletes nothing", async () => {
    await unchanged(
      fc.asyncProperty(fc.oneof(anyJson, near), async (value) => {
        const request = new Request("http://s/api/tasks/bulk-delete", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(value),
        });
        await expectNoServerError(await bulkDelete(request));
      }),
    );
  });

  it("refuses bodies that are not JSON, or too large", async () => {
    await unchanged(
      fc.asyncProperty(body, contentType, async (text, type) => {
        fc.pre(!text.includes('"match"'));
        const request = new Request("http://s/api/tasks/bulk-delete", {
          method: "POST",
          headers: type ? { "content-type": type } : {},
          body: text,
        });
        await expectNoServerError(await bulkDelete(request));
      }),
    );
  });
});

describe("GET /api/tasks/zip under arbitrary queries", () => {
  it("never a 500, and reading the archive changes nothing", async () => {
    const ids = fc.oneof(
      junk,
      fc.array(idLike, { maxLength: 6 }).map((list) => list.join(",")),
      fc.constantFrom(",", ",,,", seeded.join(",,")),
    );
    const query = fc.record({
      ids: param(ids),
      match: param(fc.constantFrom("1", "0", "true")),
      status: param(fc.constantFrom(...HISTORY_STATUSES, "done")),
      q: param(fc.constantFrom('"', "NEAR", "-", "word3")),
      starred: param(fc.constantFrom("0", "1", "yes")),
    });
    await unchanged(
      fc.asyncProperty(query, async (values) => {
        const search = new URLSearchParams();
        for (const [key, value] of Object.entries(values)) if (value !== undefined) search.set(key, value);
        await expectNoServerError(await zip(new Request(`http://s/api/tasks/zip?${search}`)));
      }),
    );
  });
});

describe("GET /api/tasks/{id}/poster under arbitrary ids", () => {
  it("never a 500; a poster only for a finished task this studio made", async () => {
    await unchanged(
      fc.asyncProperty(idLike, async (id) => {
        const status = await expectNoServerError(
          await poster(new Request("http://s/api/tasks/x/poster?v=1"), routeParams(id)),
        );
        expect(status === 200).toBe(seeded.slice(0, 12).includes(id));
      }),
    );
  });
});
