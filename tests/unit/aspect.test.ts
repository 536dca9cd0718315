import { describe, expect, it } from "vitest";
import { aspectLabel, nearestAspectRatio } from "@/lib/media/aspect";
import { imageProblems } from "@/lib/media/checks";

describe("aspectLabel", () => {
  it.each([
    [300, 1200, "1:4"],
    [300, 780, "1:2.6"],
    [780, 300, "2.6:1"],
    [640, 640, "1:1"],
    [1920, 1080, "1.78:1"],
    [401, 1300, "1:3.24"],
  ])("%i×%i reads %s", (width, height, label) => {
    expect(aspectLabel(width, height)).toBe(label);
  });

  it("is what the image rule says", () => {
    const problems = imageProblems({ type: "png", width: 300, height: 1200, sizeBytes: 1000 });
    expect(problems.join(" ")).toContain("aspect ratio is 1:4 (300×1200);");
  });
});

describe("nearestAspectRatio", () => {
  it.each([
    [1920, 1080, "16:9"],
    [1280, 720, "16:9"],
    [1080, 1920, "9:16"],
    [720, 1280, "9:16"],
    [1080, 1080, "1:1"],
    [1000, 1100, "1:1"],
    [1500, 1080, "16:9"],
    [1080, 1500, "9:16"],
  ])("%i×%i follows %s", (width, height, ratio) => {
    expect(nearestAspectRatio(width, height)).toBe(ratio);
  });
});
