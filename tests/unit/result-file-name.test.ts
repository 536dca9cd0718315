import { describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { resultFileName } from "@/lib/server/tasks/result-stream";

const ID = "task-unified-1757169743-7cvnl5zw";

const nameFor = (prompt: string, id = ID): string =>
  resultFileName({ id, request: { ...GENERATION_DEFAULTS, prompt, videoUrl: "https://example.com/v.mp4" } });

describe("resultFileName", () => {
  it("is kling-<first words>-<task id>.mp4", () => {
    expect(nameFor("A red fox runs")).toBe(`kling-a-red-fox-runs-${ID}.mp4`);
  });

  it("uses the task id it is given", () => {
    expect(nameFor("cat", "task-unified-1-abcdefgh")).toBe("kling-cat-task-unified-1-abcdefgh.mp4");
  });

  it("keeps only the first six words", () => {
    expect(nameFor("one two three four five six seven eight")).toBe(`kling-one-two-three-four-five-six-${ID}.mp4`);
  });

  it("strips <<<reference tokens>>>", () => {
    expect(nameFor("<<<image_1>>> dancing in the style of <<<video_1>>>")).toBe(
      `kling-dancing-in-the-style-of-${ID}.mp4`,
    );
  });

  it("strips [sim:...] scenario tags", () => {
    expect(nameFor("[sim:content-policy] A dog [sim:slow] on a beach")).toBe(`kling-a-dog-on-a-beach-${ID}.mp4`);
  });

  it("removes punctuation and lowercases", () => {
    expect(nameFor('Hello, World! "Quotes" / slashes\\ & co.')).toBe(`kling-hello-world-quotes-slashes-co-${ID}.mp4`);
  });

  it("folds accents to ASCII and drops other non-ASCII characters", () => {
    expect(nameFor("Café crème über 東京 🎬 naïve")).toBe(`kling-cafe-creme-uber-naive-${ID}.mp4`);
  });

  it("never lets path or header metacharacters through", () => {
    const name = nameFor('../../etc/passwd\r\nX-Injected: 1; filename="evil.exe"');
    expect(name).toMatch(/^kling-[a-z0-9-]+\.mp4$/);
    expect(name).toBe(`kling-etc-passwd-x-injected-1-filename-${ID}.mp4`);
  });

  it.each(["", "   ", "東京の夜", "🎬🎬🎬", "<<<video_1>>>", "[sim:slow]", "!!! ... ???"])(
    "falls back to kling-<id>.mp4 when %j leaves no words",
    (prompt) => {
      expect(nameFor(prompt)).toBe(`kling-${ID}.mp4`);
    },
  );

  it("caps the slug at 48 characters and never ends it with a hyphen", () => {
    const words = ["abcdefghij", "klmnopqrst", "uvwxyzabcd", "efghijklmn", "opqrstuvwx", "yzabcdefgh"];
    const name = nameFor(words.join(" "));
    const slug = name.slice("kling-".length, -`-${ID}.mp4`.length);
    expect(slug).toHaveLength(48);
    expect(slug.startsWith("abcdefghij-klmnopqrst")).toBe(true);
    expect(name.endsWith(`-${ID}.mp4`)).toBe(true);
    expect(name).not.toContain("--");
  });

  it("trims a trailing hyphen left by the 48-character cut", () => {
    // 47 letters, then a space: the cut lands right after the hyphen that joins the words.
    const name = nameFor(`${"a".repeat(47)} bbbb`);
    expect(name).toBe(`kling-${"a".repeat(47)}-${ID}.mp4`);
  });

  it("caps a single very long word", () => {
    expect(nameFor("x".repeat(500))).toBe(`kling-${"x".repeat(48)}-${ID}.mp4`);
  });

  it("keeps long prompts to a bounded file name", () => {
    const name = nameFor("word ".repeat(2000));
    expect(name.length).toBeLessThanOrEqual("kling-".length + 48 + 1 + ID.length + ".mp4".length);
  });
});

describe("edge cases once wrong", () => {
  // parseScenario (lib/simulator/scenarios.ts) matches [sim:NAME] case-insensitively; resultFileName
  // once stripped only the lowercase form, so "[SIM:slow]" leaked into the file name.
  it("strips scenario tags in any letter case", () => {
    expect(nameFor("[SIM:slow] A cat")).toBe(`kling-a-cat-${ID}.mp4`);
  });
});
