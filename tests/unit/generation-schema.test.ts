import { describe, expect, it } from "vitest";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { referenceUrlProblem } from "@/lib/generation/url-rules";
import { LIMITS, TASK_ID_PATTERN } from "@/lib/evolink/contract";
import { fieldErrors, generationRequestSchema } from "@/lib/generation/schema";
import { referenceTokenProblems } from "@/lib/generation/token-problems";

const VIDEO = "https://media.example.com/videos/ref.mp4";
const IMAGE = (n: number): string => `https://media.example.com/photos/ref-${n}.png`;

const valid = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  prompt: "A red fox running through snow in the style of <<<video_1>>>",
  videoUrl: VIDEO,
  imageUrls: [],
  duration: 5,
  aspectRatio: "16:9",
  quality: "720p",
  keepOriginalSound: true,
  ...overrides,
});

/** Parses and returns the field → message map, failing the test if the body was accepted. */
function errorsOf(body: unknown): Record<string, string> {
  const result = generationRequestSchema.safeParse(body);
  expect(result.success, `expected ${JSON.stringify(body)?.slice(0, 200)} to be rejected`).toBe(false);
  return result.success ? {} : fieldErrors(result.error);
}

function accepts(body: unknown): void {
  const result = generationRequestSchema.safeParse(body);
  expect(result.success, result.success ? "" : JSON.stringify(result.error.issues)).toBe(true);
}

describe("generationRequestSchema baseline", () => {
  it("accepts a complete valid request and returns it unchanged", () => {
    const body = valid({ imageUrls: [IMAGE(1)], prompt: "<<<image_1>>> in the style of <<<video_1>>>" });
    const result = generationRequestSchema.safeParse(body);
    expect(result.success).toBe(true);
    expect(result.data).toEqual(body);
  });

  it("rejects the blank form defaults (empty prompt and video URL)", () => {
    const errors = errorsOf(GENERATION_DEFAULTS);
    expect(Object.keys(errors).sort()).toEqual(["prompt", "videoUrl"]);
  });

  it("rejects a request with a missing required field", () => {
    const body: Partial<ReturnType<typeof valid>> = valid();
    delete body.quality;
    expect(Object.keys(errorsOf(body))).toEqual(["quality"]);
  });

  it("rejects keepOriginalSound that is not a boolean", () => {
    expect(errorsOf(valid({ keepOriginalSound: "yes" }))).toHaveProperty("keepOriginalSound");
  });
});

describe("prompt", () => {
  it("rejects an empty prompt", () => {
    expect(errorsOf(valid({ prompt: "" })).prompt).toMatch(/prompt/i);
  });

  it("rejects a whitespace-only prompt", () => {
    expect(errorsOf(valid({ prompt: "  \n\t " })).prompt).toMatch(/prompt/i);
  });

  it("rejects a non-string prompt", () => {
    expect(errorsOf(valid({ prompt: 42 }))).toHaveProperty("prompt");
  });

  it("trims surrounding whitespace", () => {
    const result = generationRequestSchema.safeParse(valid({ prompt: "  a cat  " }));
    expect(result.success && result.data.prompt).toBe("a cat");
  });

  it(`accepts exactly ${LIMITS.promptMaxChars} characters`, () => {
    accepts(valid({ prompt: "a".repeat(2500) }));
  });

  it("rejects 2501 characters with a message that states the count and the limit", () => {
    const message = errorsOf(valid({ prompt: "a".repeat(2501) })).prompt;
    expect(message).toContain("2501");
    expect(message).toContain("2500");
  });

  it("counts the trimmed prompt: 2500 characters plus surrounding spaces are fine", () => {
    accepts(valid({ prompt: `   ${"a".repeat(2500)}   ` }));
  });
});

describe("duration", () => {
  it.each([3, 5, 10])("accepts %s", (duration) => {
    accepts(valid({ duration }));
  });

  it.each([
    [2, /at least 3/],
    [11, /at most 10/],
    [0, /at least 3/],
    [-5, /at least 3/],
  ])("rejects %s", (duration, message) => {
    expect(errorsOf(valid({ duration })).duration).toMatch(message);
  });

  it("rejects a fraction (5.5)", () => {
    expect(errorsOf(valid({ duration: 5.5 })).duration).toMatch(/whole number/);
  });

  it('rejects a numeric string ("5")', () => {
    expect(errorsOf(valid({ duration: "5" })).duration).toMatch(/whole number/);
  });

  it.each([NaN, Infinity])("rejects %s", (duration) => {
    expect(errorsOf(valid({ duration }))).toHaveProperty("duration");
  });
});

describe("aspectRatio and quality", () => {
  it.each(["16:9", "9:16", "1:1"])("accepts aspect ratio %s", (aspectRatio) => {
    accepts(valid({ aspectRatio }));
  });

  it.each(["4:3", "16/9", "", "21:9"])("rejects aspect ratio %j", (aspectRatio) => {
    expect(errorsOf(valid({ aspectRatio })).aspectRatio).toBe("Choose 16:9, 9:16 or 1:1.");
  });

  it.each(["720p", "1080p"])("accepts quality %s", (quality) => {
    accepts(valid({ quality }));
  });

  it.each(["4k", "4K", "480p", "1080"])("rejects quality %j", (quality) => {
    expect(errorsOf(valid({ quality })).quality).toMatch(/720p or 1080p/);
  });
});

describe("imageUrls", () => {
  it("accepts 4 image URLs", () => {
    accepts(valid({ imageUrls: [1, 2, 3, 4].map(IMAGE) }));
  });

  it("rejects 5 image URLs with a message naming the count and the limit", () => {
    const message = errorsOf(valid({ imageUrls: [1, 2, 3, 4, 5].map(IMAGE) })).imageUrls;
    expect(message).toMatch(/^5 reference images given; at most 4/);
  });

  it("rejects a non-array", () => {
    expect(errorsOf(valid({ imageUrls: IMAGE(1) })).imageUrls).toBe("Image URLs must be a list.");
  });

  it("reports a bad image under its index path", () => {
    const errors = errorsOf(valid({ imageUrls: [IMAGE(1), "http://example.com/b.png"] }));
    expect(Object.keys(errors)).toEqual(["imageUrls.1"]);
    expect(errors["imageUrls.1"]).toMatch(/https:\/\//);
  });
});

describe("videoUrl", () => {
  it("accepts a public https URL", () => {
    accepts(valid({ videoUrl: "https://cdn.example.com/path/clip.mov?sig=abc" }));
  });

  it.each([
    ["http://", "http://example.com/a.mp4", /https:\/\//],
    ["malformed", "not a url", /not a valid URL/],
    ["another scheme", "ftp://example.com/a.mp4", /https:\/\//],
    ["user:pass@", "https://user:pass@example.com/a.mp4", /user name and password/],
    ["user@ only", "https://user@example.com/a.mp4", /user name and password/],
    ["empty", "", /Add a reference video: drop or choose a file, or paste its public https link/],
  ])("rejects %s", (_label, videoUrl, message) => {
    expect(errorsOf(valid({ videoUrl })).videoUrl).toMatch(message);
  });

  it.each([
    "https://localhost/a.mp4",
    "https://LOCALHOST:8443/a.mp4",
    "https://media.localhost/a.mp4",
    "https://127.0.0.1/a.mp4",
    "https://127.1.2.3/a.mp4",
    "https://0x7f000001/a.mp4", // normalised by the URL parser to 127.0.0.1
    "https://0.0.0.0/a.mp4",
    "https://10.0.0.5/a.mp4",
    "https://192.168.1.20/a.mp4",
    "https://172.16.0.1/a.mp4",
    "https://172.31.255.255/a.mp4",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/a.mp4",
    "https://nas.local/a.mp4",
  ])("rejects private or local host %s", (videoUrl) => {
    expect(errorsOf(valid({ videoUrl })).videoUrl).toMatch(/private or local/);
  });

  it.each(["https://172.15.0.1/a.mp4", "https://172.32.0.1/a.mp4", "https://11.0.0.1/a.mp4", "https://8.8.8.8/a.mp4"])(
    "accepts public address %s just outside the private ranges",
    (videoUrl) => {
      accepts(valid({ videoUrl }));
    },
  );

  it(`accepts a URL of exactly ${LIMITS.urlMaxChars} characters and rejects one longer`, () => {
    const base = "https://example.com/";
    const at = base + "a".repeat(LIMITS.urlMaxChars - base.length);
    expect(at).toHaveLength(2048);
    accepts(valid({ videoUrl: at }));
    expect(errorsOf(valid({ videoUrl: `${at}b` })).videoUrl).toMatch(/at most 2048/);
  });

  it("referenceUrlProblem returns null for a good URL and a message for a bad one", () => {
    expect(referenceUrlProblem(VIDEO)).toBeNull();
    expect(referenceUrlProblem("https://10.1.2.3/x")).toMatch(/private or local/);
  });
});

describe("object shape", () => {
  it('rejects an unknown top-level field with "Unknown field: x." under "_"', () => {
    expect(errorsOf(valid({ x: 1 }))).toEqual({ _: "Unknown field: x." });
  });

  it("names every unknown field", () => {
    expect(errorsOf(valid({ x: 1, multi_shot: true }))._).toBe("Unknown field: x, multi_shot.");
  });

  it.each([null, "prompt", 42, [valid()], undefined])("rejects non-object body %j under _", (body) => {
    const errors = errorsOf(body);
    expect(Object.keys(errors)).toEqual(["_"]);
    expect(errors._).not.toBe("");
  });
});

describe("reference tokens", () => {
  it("rejects <<<image_3>>> with 2 images, naming the token and the count", () => {
    const errors = errorsOf(valid({ prompt: "<<<image_3>>> dancing", imageUrls: [IMAGE(1), IMAGE(2)] }));
    expect(Object.keys(errors)).toEqual(["prompt"]);
    expect(errors.prompt).toContain("<<<image_3>>>");
    expect(errors.prompt).toContain("2 attached");
  });

  it("accepts <<<image_1>>> with 1 image", () => {
    accepts(valid({ prompt: "<<<image_1>>> dancing", imageUrls: [IMAGE(1)] }));
  });

  it("accepts <<<image_2>>> with 2 images and rejects it with none", () => {
    accepts(valid({ prompt: "<<<image_2>>> dancing", imageUrls: [IMAGE(1), IMAGE(2)] }));
    expect(errorsOf(valid({ prompt: "<<<image_2>>> dancing" })).prompt).toMatch(/no reference images are attached/);
  });

  it("rejects <<<image_0>>> (numbering is 1-based)", () => {
    expect(errorsOf(valid({ prompt: "<<<image_0>>>", imageUrls: [IMAGE(1)] })).prompt).toContain("<<<image_0>>>");
  });

  it("accepts <<<video_1>>>", () => {
    accepts(valid({ prompt: "walking in the style of <<<video_1>>>" }));
  });

  it("rejects <<<element_1>>> with no element attached", () => {
    expect(errorsOf(valid({ prompt: "<<<element_1>>> walking" })).prompt).toBe(
      "<<<element_1>>> points at an element, but no elements are attached.",
    );
  });

  it.each(["<<<foo>>>", "<<<video_2>>>", "<<<>>>"])("rejects %s", (token) => {
    const message = errorsOf(valid({ prompt: `${token} walking` })).prompt;
    expect(message).toContain(token);
    expect(message).toMatch(/not a reference token/);
  });

  it("reports each distinct problem once", () => {
    expect(referenceTokenProblems("<<<foo>>> <<<foo>>> <<<image_2>>>", 1, true)).toHaveLength(2);
  });

  it("referenceTokenProblems flags <<<video_1>>> without a video", () => {
    expect(referenceTokenProblems("<<<video_1>>>", 0, false)).toEqual(["<<<video_1>>> needs a reference video."]);
    expect(referenceTokenProblems("<<<video_1>>>", 0, true)).toEqual([]);
  });
});

describe("fieldErrors", () => {
  it("keeps the first message per path and joins nested paths with dots", () => {
    const errors = errorsOf(
      valid({ prompt: "", imageUrls: [IMAGE(1), "http://x.example/a.png", "nope"], duration: 11, quality: "4k" }),
    );
    expect(Object.keys(errors).sort()).toEqual(["duration", "imageUrls.1", "imageUrls.2", "prompt", "quality"]);
    expect(Object.values(errors).every((m) => typeof m === "string" && m.length > 0)).toBe(true);
  });
});

describe("TASK_ID_PATTERN", () => {
  it.each(["task-unified-1757169743-7cvnl5zw", "task-unified-1-abcdefgh", "task-unified-1772618027-cmeisy8h"])(
    "accepts %s",
    (id) => {
      expect(TASK_ID_PATTERN.test(id)).toBe(true);
    },
  );

  it.each([
    "../../v1/credits",
    "task-unified-1-ABCDEFGH",
    "",
    "task-unified-1757169743-7cvnl5zw/../../v1/credits",
    "task-unified-1757169743-7cvnl5zw/extra",
    "v1/tasks/task-unified-1757169743-7cvnl5zw",
    "task-unified-1757169743-7cvnl5z",
    "task-unified-1757169743-7cvnl5zwx",
    "task-unified--7cvnl5zw",
    "task-unified-1757169743-7cvnl5zw\n",
    "TASK-UNIFIED-1757169743-7cvnl5zw",
  ])("rejects %j", (id) => {
    expect(TASK_ID_PATTERN.test(id)).toBe(false);
  });
});

// Regression tests for edge cases the first version got wrong.
describe("edge cases once wrong", () => {
  // zod 4 counts string length in code points; the message once counted UTF-16 units and said 5002.
  it("the too-long message counts characters the way the limit does (astral characters)", () => {
    const message = errorsOf(valid({ prompt: "🎬".repeat(2501) })).prompt;
    expect(message).toBe("The prompt is 2501 characters; the limit is 2500. Shorten it.");
  });

  // The fully-qualified "localhost." once slipped past the anchored PRIVATE_HOST pattern.
  it("rejects the fully-qualified loopback name localhost.", () => {
    expect(errorsOf(valid({ videoUrl: "https://localhost./a.mp4" })).videoUrl).toMatch(/private or local/);
  });
});

describe("prompt length counts characters, not UTF-16 units", () => {
  it("accepts 2500 astral characters (5000 UTF-16 units)", () => {
    accepts(valid({ prompt: "🎬".repeat(2500) }));
  });

  it("rejects 2501 astral characters", () => {
    expect(errorsOf(valid({ prompt: "🎬".repeat(2501) })).prompt).toMatch(/the limit is 2500/);
  });
});
