import { describe, expect, it } from "vitest";
import fc from "fast-check";
import {
  conformNeeds,
  conformTarget,
  initialRange,
  isCut,
  moveHandle,
  suggestedDuration,
  TRIM_LIMITS,
} from "@/lib/media/conform";
import { videoProblems } from "@/lib/media/checks";
import type { VideoFacts } from "@/lib/media/rules";

const MB = 1024 * 1024;
const facts = (patch: Partial<VideoFacts>): VideoFacts => ({
  container: "mp4",
  durationSeconds: 5,
  width: 1280,
  height: 720,
  fps: 30,
  frameCount: 150,
  sizeBytes: 2 * MB,
  codec: "avc1.64001f",
  ...patch,
});

describe("conformNeeds", () => {
  it("names each fixable rule a phone clip breaks", () => {
    const phone = facts({
      width: 3840,
      height: 2160,
      fps: 120,
      durationSeconds: 25,
      frameCount: 3000,
      sizeBytes: 300 * MB,
    });
    expect(conformNeeds(phone, 100 * MB)).toEqual({ fixes: ["downscale", "fps-down", "trim", "shrink"], blockers: [] });
    expect(conformNeeds(facts({ width: 640, height: 360, fps: 15 }), 100 * MB).fixes).toEqual(["upscale", "fps-up"]);
    expect(conformNeeds(facts({}), 100 * MB)).toEqual({ fixes: [], blockers: [] });
  });

  it("refuses what no conversion can fix, saying why", () => {
    expect(conformNeeds(facts({ durationSeconds: 2, frameCount: 60 }), 100 * MB).blockers[0]).toMatch(
      /2\.0 s long and must be at least 3 s: nothing here can add length/,
    );
    expect(conformNeeds(facts({ width: 4000, height: 500 }), 100 * MB).blockers[0]).toMatch(/no scaling fits/);
    expect(conformNeeds(facts({ durationSeconds: 500, frameCount: 40 }), 100 * MB).blockers[0]).toMatch(/damaged/);
  });
});

describe("conformTarget", () => {
  it("scales 4K to 2160 on the long side, aspect kept and sides even", () => {
    const target = conformTarget(facts({ width: 3840, height: 2160 }), { start: 0, end: 10 }, 10 * MB, 96_000);
    expect([target.width, target.height]).toEqual([2160, 1216]);
    expect(target.upscaled).toBe(false);
    expect(target.frameRate).toBeNull();
  });

  it("scales 640×360 up to 720 on the short side and says so", () => {
    const target = conformTarget(facts({ width: 640, height: 360 }), { start: 0, end: 4 }, 10 * MB, 0);
    expect([target.width, target.height, target.upscaled]).toEqual([1280, 720, true]);
  });

  it("brings the frame rate within 24–60", () => {
    expect(conformTarget(facts({ fps: 120 }), { start: 0, end: 4 }, 10 * MB, 0).frameRate).toBe(60);
    expect(conformTarget(facts({ fps: 12 }), { start: 0, end: 4 }, 10 * MB, 0).frameRate).toBe(24);
  });

  it("always lands inside the rules, with a bitrate whose file fits the cap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 8000 }),
        fc.double({ min: 0.34, max: 3, noNaN: true }),
        fc.double({ min: 1, max: 240, noNaN: true }),
        fc.double({ min: 3, max: 10, noNaN: true }),
        fc.integer({ min: 10, max: 200 }),
        (width, aspect, fps, seconds, capMb) => {
          const height = Math.max(2, Math.round(width / aspect));
          const clip = facts({ width, height, fps, durationSeconds: seconds, frameCount: Math.ceil(fps * seconds) });
          if (conformNeeds(clip, capMb * MB).blockers.length) return;
          const audio = 128_000;
          const target = conformTarget(clip, { start: 0, end: seconds }, capMb * MB, audio);
          const out = { ...clip, width: target.width, height: target.height, fps: target.frameRate ?? fps };
          const bytes = ((target.videoBitrate + audio) * seconds) / 8;
          expect(videoProblems({ ...out, sizeBytes: Math.round(bytes) }, capMb * MB)).toEqual([]);
          expect(Math.abs(target.width / target.height - width / height) / (width / height)).toBeLessThan(0.02);
        },
      ),
    );
  });
});

describe("trim handles", () => {
  it("hold the selection within the clip and 3–10 s long", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 3, max: 120, noNaN: true }),
        fc.array(fc.tuple(fc.boolean(), fc.double({ min: -50, max: 200, noNaN: true })), { maxLength: 20 }),
        (duration, moves) => {
          let range = initialRange(duration);
          for (const [isStart, value] of moves) {
            range = moveHandle(range, isStart ? "start" : "end", value, duration);
            const length = range.end - range.start;
            expect(range.start).toBeGreaterThanOrEqual(0);
            expect(range.end).toBeLessThanOrEqual(duration + 1e-9);
            expect(length).toBeGreaterThanOrEqual(TRIM_LIMITS.minSeconds - 1e-9);
            expect(length).toBeLessThanOrEqual(TRIM_LIMITS.maxSeconds + 1e-9);
          }
        },
      ),
    );
  });

  it("start at the first 10 s, suggest a whole-second duration, and tell a cut from the whole clip", () => {
    expect(initialRange(25)).toEqual({ start: 0, end: 10 });
    expect(initialRange(6)).toEqual({ start: 0, end: 6 });
    expect(isCut(initialRange(25), 25)).toBe(true);
    expect(isCut(initialRange(6), 6)).toBe(false);
    expect(suggestedDuration({ start: 1, end: 7.6 })).toBe(7);
    expect(moveHandle({ start: 0, end: 10 }, "end", 4, 25)).toEqual({ start: 0, end: 4 });
    expect(moveHandle({ start: 0, end: 4 }, "end", 2, 25)).toEqual({ start: 0, end: 3 });
  });
});
