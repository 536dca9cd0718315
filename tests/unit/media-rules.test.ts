import { readFileSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { MediaProbeError, probeImage, probeVideo, sniffMediaType } from "@/lib/media/probe";
import { IMAGE_RULES, VIDEO_RULES, type ImageFacts, type VideoFacts } from "@/lib/media/rules";
import { imageProblems, videoProblems } from "@/lib/media/checks";
import { ensureFixtures, fixturePath, type FixtureName } from "@/tests/fixtures/media-fixtures";

const MB = 1024 * 1024;
const CAP = 5 * MB;

const goodVideo: VideoFacts = {
  container: "mp4",
  durationSeconds: 4,
  width: 1280,
  height: 720,
  fps: 24,
  frameCount: 96,
  sizeBytes: 3 * MB,
  codec: "avc1.42c01f",
};
const video = (over: Partial<VideoFacts>): VideoFacts => ({ ...goodVideo, ...over });

const goodImage: ImageFacts = { type: "png", width: 800, height: 600, sizeBytes: 60_000 };
const image = (over: Partial<ImageFacts>): ImageFacts => ({ ...goodImage, ...over });

describe("the rule constants", () => {
  it("match the model's documented limits", () => {
    expect(VIDEO_RULES).toMatchObject({
      minDurationSeconds: 3,
      minSidePx: 720,
      maxSidePx: 2160,
      minFps: 24,
      maxFps: 60,
    });
    expect(IMAGE_RULES).toMatchObject({ maxBytes: 10 * MB, minSidePx: 300, maxAspect: 2.5 });
    expect(IMAGE_RULES.minAspect).toBeCloseTo(0.4, 12);
  });
});

describe("videoProblems", () => {
  it("finds nothing wrong with a clip inside every bound", () => {
    expect(videoProblems(goodVideo, CAP)).toEqual([]);
  });

  describe("duration", () => {
    it("accepts exactly 3 s", () => {
      expect(videoProblems(video({ durationSeconds: 3 }), CAP)).toEqual([]);
    });
    it("refuses 2.9 s, naming the rule and the clip's length", () => {
      const problems = videoProblems(video({ durationSeconds: 2.9 }), CAP);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("2.9 s");
      expect(problems[0]).toContain("at least 3 s");
    });
    it("refuses 2.999 s (no rounding up into the allowed range)", () => {
      expect(videoProblems(video({ durationSeconds: 2.999 }), CAP)).toHaveLength(1);
    });
  });

  describe.each(["width", "height"] as const)("%s", (side) => {
    const other = side === "width" ? "height" : "width";
    it.each([720, 721, 1080, 2159, 2160])(`accepts a ${side} of %i px`, (value) => {
      expect(videoProblems(video({ [side]: value, [other]: 1000 }), CAP)).toEqual([]);
    });
    it.each([719, 2161])(`refuses a ${side} of %i px, naming the side, the size and the range`, (value) => {
      const facts = video({ [side]: value, [other]: 1000 });
      const problems = videoProblems(facts, CAP);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`${facts.width}×${facts.height}`);
      expect(problems[0]).toContain(`its ${side} must be`);
      expect(problems[0]).toContain("720–2160 px");
    });
  });

  describe("frame rate", () => {
    it.each([24, 23.976, 25, 29.97, 30, 50, 59.94, 60])("accepts %s fps", (fps) => {
      expect(videoProblems(video({ fps }), CAP)).toEqual([]);
    });
    it.each([
      [23, "23 fps"],
      [23.4, "23.4 fps"],
      [61, "61 fps"],
      [15, "15 fps"],
      [90, "90 fps"],
    ])("refuses %s fps, naming the rule and the clip's rate", (fps, shown) => {
      const problems = videoProblems(video({ fps }), CAP);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(shown);
      expect(problems[0]).toContain("24–60 fps");
    });
  });

  describe("size against the cap passed in", () => {
    it("accepts a file exactly at the cap", () => {
      expect(videoProblems(video({ sizeBytes: CAP }), CAP)).toEqual([]);
    });
    it("refuses one byte over, naming the file's size and the cap", () => {
      const problems = videoProblems(video({ sizeBytes: CAP + 1 }), CAP);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain("5.0 MB");
      expect(problems[0]).toContain("limited to 5.0 MB");
    });
    it("names a clearly larger file's own size", () => {
      const problems = videoProblems(video({ sizeBytes: 12 * MB }), CAP);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^The video is 12 MB; uploads are limited to 5\.0 MB\.$/);
    });
    it("uses the cap it is given, not a fixed one", () => {
      expect(videoProblems(video({ sizeBytes: 12 * MB }), 100 * MB)).toEqual([]);
    });
  });

  describe("durations the file cannot hold", () => {
    it("accepts exactly one hour with enough frames, refuses a second more", () => {
      expect(videoProblems(video({ durationSeconds: 3600, frameCount: 3600 * 24 }), CAP)).toEqual([]);
      expect(videoProblems(video({ durationSeconds: 3601, frameCount: 3601 * 24 }), CAP)).toEqual([
        expect.stringContaining("lasts 3,601 s; the studio checks videos of at most 1 hour (3,600 s)"),
      ]);
    });

    it("refuses a duration longer than one second per frame, naming both", () => {
      expect(videoProblems(video({ durationSeconds: 96, frameCount: 96 }), CAP)).toEqual([]);
      expect(videoProblems(video({ durationSeconds: 97, frameCount: 96 }), CAP)).toEqual([
        expect.stringMatching(/lasts 97 s but holds only 96 frames.*Export it again/),
      ]);
    });

    it("names an absurd claim in hours", () => {
      expect(videoProblems(video({ durationSeconds: 400_000, frameCount: 12_000_000 }), CAP)).toEqual([
        expect.stringContaining("lasts 111 hours"),
      ]);
    });
  });

  it("reports every broken rule at once", () => {
    const problems = videoProblems(
      {
        container: "mov",
        durationSeconds: 1.2,
        width: 640,
        height: 4000,
        fps: 90,
        frameCount: 108,
        sizeBytes: 12 * MB,
        codec: null,
      },
      CAP,
    );
    expect(problems).toHaveLength(5);
    expect(problems.some((p) => p.includes("12 MB"))).toBe(true);
    expect(problems.some((p) => p.includes("1.2 s") && p.includes("at least 3 s"))).toBe(true);
    expect(problems.some((p) => p.includes("640×4000") && p.includes("its width"))).toBe(true);
    expect(problems.some((p) => p.includes("640×4000") && p.includes("its height"))).toBe(true);
    expect(problems.some((p) => p.includes("90 fps"))).toBe(true);
  });
});

describe("imageProblems", () => {
  it("finds nothing wrong with a normal image", () => {
    expect(imageProblems(goodImage)).toEqual([]);
  });

  it.each([
    [300, 300],
    [300, 500],
    [500, 300],
  ])("accepts %i×%i (300 px on the short side)", (width, height) => {
    expect(imageProblems(image({ width, height }))).toEqual([]);
  });

  it.each([
    [299, 500],
    [500, 299],
  ])("refuses %i×%i, naming the size and the rule", (width, height) => {
    const problems = imageProblems(image({ width, height }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${width}×${height}`);
    expect(problems[0]).toContain("at least 300 px");
  });

  it("accepts an aspect of exactly 1:2.5 and exactly 2.5:1", () => {
    expect(imageProblems(image({ width: 300, height: 750 }))).toEqual([]);
    expect(imageProblems(image({ width: 750, height: 300 }))).toEqual([]);
    expect(imageProblems(image({ width: 400, height: 1000 }))).toEqual([]);
    expect(imageProblems(image({ width: 1000, height: 400 }))).toEqual([]);
  });

  it.each([
    [300, 780, "1:2.6"],
    [780, 300, "2.6:1"],
    [300, 1200, "1:4"],
  ])("refuses an aspect of %i:%i, naming the ratio (%s) and the allowed range", (width, height, ratio) => {
    const problems = imageProblems(image({ width, height }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`aspect ratio is ${ratio} (${width}×${height})`);
    expect(problems[0]).toContain("between 1:2.5 and 2.5:1");
  });

  it("accepts exactly 10 MB and refuses one byte more, naming the size and the limit", () => {
    expect(imageProblems(image({ sizeBytes: 10 * MB }))).toEqual([]);
    const problems = imageProblems(image({ sizeBytes: 10 * MB + 1 }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("The image is 10 MB");
    expect(problems[0]).toContain("limited to 10 MB");
  });

  describe("durations the file cannot hold", () => {
    it("accepts exactly one hour with enough frames, refuses a second more", () => {
      expect(videoProblems(video({ durationSeconds: 3600, frameCount: 3600 * 24 }), CAP)).toEqual([]);
      expect(videoProblems(video({ durationSeconds: 3601, frameCount: 3601 * 24 }), CAP)).toEqual([
        expect.stringContaining("lasts 3,601 s; the studio checks videos of at most 1 hour (3,600 s)"),
      ]);
    });

    it("refuses a duration longer than one second per frame, naming both", () => {
      expect(videoProblems(video({ durationSeconds: 96, frameCount: 96 }), CAP)).toEqual([]);
      expect(videoProblems(video({ durationSeconds: 97, frameCount: 96 }), CAP)).toEqual([
        expect.stringMatching(/lasts 97 s but holds only 96 frames.*Export it again/),
      ]);
    });

    it("names an absurd claim in hours", () => {
      expect(videoProblems(video({ durationSeconds: 400_000, frameCount: 12_000_000 }), CAP)).toEqual([
        expect.stringContaining("lasts 111 hours"),
      ]);
    });
  });

  it("reports every broken rule at once", () => {
    const problems = imageProblems({ type: "jpg", width: 100, height: 1000, sizeBytes: 11 * MB });
    expect(problems).toHaveLength(3);
    expect(problems.some((p) => p.includes("11 MB"))).toBe(true);
    expect(problems.some((p) => p.includes("100×1000") && p.includes("at least 300 px"))).toBe(true);
    expect(problems.some((p) => p.includes("aspect ratio is 1:10"))).toBe(true);
  });
});

describe("probeVideo on real files", () => {
  beforeAll(() => ensureFixtures(), 120_000);

  const probe = (name: FixtureName) => probeVideo(fixturePath(name), statSync(fixturePath(name)).size);

  async function probeFailure(name: FixtureName): Promise<MediaProbeError> {
    const error = await probe(name).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MediaProbeError);
    return error as MediaProbeError;
  }

  it("reads the good MP4: container, duration, size, frame rate, byte count, codec", async () => {
    const facts = await probe("goodMp4");
    expect(facts).toMatchObject({
      container: "mp4",
      width: 1280,
      height: 720,
      sizeBytes: statSync(fixturePath("goodMp4")).size,
    });
    expect(facts.durationSeconds).toBeCloseTo(4, 1);
    expect(facts.fps).toBeCloseTo(24, 1);
    expect(facts.codec).toMatch(/^avc1\./);
    expect(videoProblems(facts, CAP)).toEqual([]);
  });

  it("reads the good MOV as container mov, portrait 720×1280 at 30 fps", async () => {
    const facts = await probe("goodMov");
    expect(facts).toMatchObject({ container: "mov", width: 720, height: 1280 });
    expect(facts.durationSeconds).toBeCloseTo(3, 1);
    expect(facts.fps).toBeCloseTo(30, 1);
    expect(videoProblems(facts, CAP)).toEqual([]);
  });

  it("reads the same facts from a Blob (the browser's path) as from a file path", async () => {
    const bytes = readFileSync(fixturePath("goodMov"));
    const fromBlob = await probeVideo(new Blob([new Uint8Array(bytes)]), bytes.length);
    expect(fromBlob).toEqual(await probe("goodMov"));
  });

  it("reads a 2 s clip's duration, which the rules then refuse", async () => {
    const facts = await probe("shortClip");
    expect(facts.durationSeconds).toBeCloseTo(2, 1);
    expect(videoProblems(facts, CAP)).toEqual([expect.stringContaining("at least 3 s")]);
  });

  it("reads a 640×480 clip's size, which the rules then refuse on both sides", async () => {
    const facts = await probe("smallClip");
    expect(facts).toMatchObject({ width: 640, height: 480 });
    const problems = videoProblems(facts, CAP);
    expect(problems).toHaveLength(2);
    expect(problems.every((p) => p.includes("640×480"))).toBe(true);
  });

  it("reads 15 fps and 90 fps, which the rules refuse", async () => {
    const slow = await probe("slowClip");
    const fast = await probe("fastClip");
    expect(slow.fps).toBeCloseTo(15, 1);
    expect(fast.fps).toBeCloseTo(90, 1);
    expect(videoProblems(slow, 100 * MB)).toEqual([expect.stringContaining("15 fps")]);
    expect(videoProblems(fast, 100 * MB)).toEqual([expect.stringContaining("90 fps")]);
  });

  it("refuses a PNG named .mp4 by content (kind type)", async () => {
    const error = await probeFailure("pngNamedMp4");
    expect(error.kind).toBe("type");
    expect(error.message).toMatch(/not an MP4 or MOV/);
  });

  it("refuses a text file named .mov by content (kind type)", async () => {
    expect((await probeFailure("textNamedMov")).kind).toBe("type");
  });

  it("calls an MP4 cut off before its moov index unreadable, and says it may be truncated", async () => {
    const error = await probeFailure("truncatedMp4");
    expect(error.kind).toBe("unreadable");
    expect(error.message).toMatch(/truncated/);
  });
});

describe("probeImage on real files", () => {
  beforeAll(() => ensureFixtures(), 120_000);

  const probe = (name: FixtureName) => {
    const bytes = readFileSync(fixturePath(name));
    return probeImage(bytes, bytes.length);
  };

  it.each([
    ["imagePng", "png", 800, 600],
    ["imageJpg", "jpg", 640, 480],
    ["imageWebp", "webp", 600, 600],
    ["imageGif", "gif", 500, 400],
    ["pngNamedMp4", "png", 800, 600],
  ] as const)("reads %s as %s %i×%i", (name, type, width, height) => {
    const facts = probe(name);
    expect(facts).toEqual({ type, width, height, sizeBytes: statSync(fixturePath(name)).size });
    expect(imageProblems(facts)).toEqual([]);
  });

  it("reads the tiny and tall images, which the rules refuse", () => {
    expect(imageProblems(probe("imageTiny"))).toEqual([expect.stringContaining("200×200")]);
    expect(imageProblems(probe("imageTall"))).toEqual([expect.stringContaining("1:4 (300×1200)")]);
  });

  it.each(["textNamedMov", "goodMp4", "truncatedMp4"] as const)(
    "refuses the non-image bytes of %s (kind type)",
    (name) => {
      let caught: unknown;
      try {
        probe(name);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(MediaProbeError);
      expect((caught as MediaProbeError).kind).toBe("type");
    },
  );

  it("refuses empty bytes (kind type)", () => {
    expect(() => probeImage(new Uint8Array(0), 0)).toThrow(MediaProbeError);
  });
});

describe("sniffMediaType agrees with the full probe on real files", () => {
  beforeAll(() => ensureFixtures(), 120_000);
  const head = (name: FixtureName) => readFileSync(fixturePath(name)).subarray(0, 16);

  it("names videos by their ftyp brand and images by their magic bytes", () => {
    expect(sniffMediaType(head("goodMp4"), "video")?.extension).toBe("mp4");
    expect(sniffMediaType(head("goodMov"), "video")).toEqual({ extension: "mov", mime: "video/quicktime" });
    expect(sniffMediaType(head("imagePng"), "image")?.extension).toBe("png");
    expect(sniffMediaType(head("imageJpg"), "image")).toEqual({ extension: "jpg", mime: "image/jpeg" });
    expect(sniffMediaType(head("imageWebp"), "image")?.extension).toBe("webp");
    expect(sniffMediaType(head("imageGif"), "image")?.extension).toBe("gif");
  });

  it("recognises nothing in a misnamed PNG sent as a video, or in text", () => {
    expect(sniffMediaType(head("pngNamedMp4"), "video")).toBeNull();
    expect(sniffMediaType(head("textNamedMov"), "video")).toBeNull();
    expect(sniffMediaType(head("textNamedMov"), "image")).toBeNull();
  });
});
