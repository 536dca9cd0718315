import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { promptExcerpt, runningPrefix, watchTasks } from "@/lib/client/task-alerts";
import { GENERATE_KEY, taskQueryKey } from "@/lib/client/query-keys";
import type { TaskView } from "@/lib/tasks/view";

const PLAIN = "Kling O3 Studio — reference-to-video";
let shown: Array<{ title: string; body?: string; tag?: string }>;
let page: { title: string; visibilityState: "visible" | "hidden" };

beforeEach(() => {
  shown = [];
  page = { title: PLAIN, visibilityState: "visible" };
  vi.stubGlobal("document", page);
  vi.stubGlobal(
    "Notification",
    class {
      static permission = "granted";
      onclick: (() => void) | null = null;
      constructor(title: string, options: { body?: string; tag?: string }) {
        shown.push({ title, ...options });
      }
    },
  );
  vi.stubGlobal("localStorage", { getItem: () => null });
});

afterEach(() => vi.unstubAllGlobals());

function task(id: string, phase: TaskView["phase"], progress: number, extra: Partial<TaskView> = {}): TaskView {
  return {
    id,
    phase,
    progress,
    prompt: `Prompt of ${id} in the style of <<<video_1>>>`,
    error: null,
    ...extra,
  } as TaskView;
}

/** A task in the cache with a poller watching it, as a card or an off-screen poller would. */
function polled(client: QueryClient, value: TaskView): void {
  client.setQueryData(taskQueryKey(value.id), value);
  new QueryObserver(client, { queryKey: taskQueryKey(value.id), enabled: false }).subscribe(() => undefined);
}

describe("the tab title and notifications", () => {
  it("counts running generations with their mean progress, and goes back to the plain title", () => {
    expect(runningPrefix([])).toBe("");
    expect(runningPrefix([{ progress: 40 }, { progress: 51 }])).toBe("(2) 46%");
    const client = new QueryClient();
    const stop = watchTasks(client);
    polled(client, task("a", "generating", 40));
    polled(client, task("b", "queued", 50));
    expect(page.title).toBe(`(2) 45% · ${PLAIN}`);
    client.setQueryData(taskQueryKey("a"), task("a", "completed", 100));
    expect(page.title).toBe(`(1) 50% · ${PLAIN}`);
    client.setQueryData(taskQueryKey("b"), task("b", "failed", 50));
    expect(page.title).toBe(PLAIN);
    stop();
  });

  it("does not count a running task nothing polls any more (its card filtered away)", () => {
    const client = new QueryClient();
    const stop = watchTasks(client);
    client.setQueryData(taskQueryKey("idle"), task("idle", "generating", 10));
    expect(page.title).toBe(PLAIN);
    stop();
  });

  it("notifies a generation seen running that ends while the tab is hidden, with its prompt and how it ended", () => {
    const client = new QueryClient();
    const stop = watchTasks(client);
    polled(client, task("done", "generating", 90));
    polled(client, task("broken", "generating", 20));
    polled(client, task("seen", "generating", 20));
    client.setQueryData(taskQueryKey("seen"), task("seen", "completed", 100));
    expect(shown).toEqual([]);
    page.visibilityState = "hidden";
    client.setQueryData(taskQueryKey("done"), task("done", "completed", 100));
    const error = { code: "content_policy_violation", message: "Refused by the content policy." };
    client.setQueryData(taskQueryKey("broken"), task("broken", "failed", 20, { error } as Partial<TaskView>));
    expect(shown).toEqual([
      { title: "Generation finished", body: "Prompt of done in the style of video_1", tag: "done" },
      {
        title: "Generation failed",
        body: "Prompt of broken in the style of video_1\nRefused by the content policy.",
        tag: "broken",
      },
    ]);
    stop();
  });

  it("never notifies a task that was already finished when the page saw it, nor without permission", () => {
    page.visibilityState = "hidden";
    const client = new QueryClient();
    polled(client, task("old", "completed", 100));
    const stop = watchTasks(client);
    client.setQueryData(taskQueryKey("old"), task("old", "completed", 100, { starred: true }));
    (Notification as unknown as { permission: string }).permission = "denied";
    polled(client, task("new", "generating", 10));
    client.setQueryData(taskQueryKey("new"), task("new", "completed", 100));
    expect(shown).toEqual([]);
    stop();
  });

  it("asks for the permission at the first Generate only, never for other changes or on load", () => {
    const requestPermission = vi.fn(() => Promise.resolve("granted"));
    Object.assign(Notification, { permission: "default", requestPermission });
    const client = new QueryClient();
    const stop = watchTasks(client);
    const mutations = client.getMutationCache();
    expect(requestPermission).not.toHaveBeenCalled();
    mutations.build(client, { mutationKey: ["star"], mutationFn: () => Promise.resolve() });
    expect(requestPermission).not.toHaveBeenCalled();
    mutations.build(client, { mutationKey: GENERATE_KEY, mutationFn: () => Promise.resolve() });
    mutations.build(client, { mutationKey: GENERATE_KEY, mutationFn: () => Promise.resolve() });
    expect(requestPermission).toHaveBeenCalledTimes(1);
    stop();
  });

  it("cuts a long prompt at a word", () => {
    const long = `${"word ".repeat(30)}end`;
    const excerpt = promptExcerpt(long);
    expect(excerpt.length).toBeLessThanOrEqual(81);
    expect(excerpt.endsWith("word…")).toBe(true);
  });
});
