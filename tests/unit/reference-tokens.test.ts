import { describe, expect, it } from "vitest";
import { referenceUrlProblem } from "@/lib/generation/url-rules";
import {
  mappingAfterMove,
  mappingAfterRemoval,
  promptSegments,
  renumberImageTokens,
} from "@/lib/generation/reference-tokens";
import { referenceTokenProblems } from "@/lib/generation/token-problems";

describe("renumbering image tokens", () => {
  const prompt = "<<<image_1>>> meets <<<image_2>>> under <<<image_3>>> in <<<video_1>>>";

  it("removing an image drops its tokens and moves later ones up", () => {
    expect(renumberImageTokens(prompt, mappingAfterRemoval(2))).toBe(
      "<<<image_1>>> meets under <<<image_2>>> in <<<video_1>>>",
    );
  });

  it("moving image 3 to the front shifts the ones it passes", () => {
    expect(renumberImageTokens(prompt, mappingAfterMove(3, 1))).toBe(
      "<<<image_2>>> meets <<<image_3>>> under <<<image_1>>> in <<<video_1>>>",
    );
  });

  it("moving image 1 later shifts the ones it passes back", () => {
    expect(renumberImageTokens(prompt, mappingAfterMove(1, 2))).toBe(
      "<<<image_2>>> meets <<<image_1>>> under <<<image_3>>> in <<<video_1>>>",
    );
  });

  it("a mapping never turns two images into one", () => {
    const move = mappingAfterMove(2, 4);
    expect(new Set([1, 2, 3, 4].map(move)).size).toBe(4);
  });
});

describe("token checks and highlighting", () => {
  it("flags tokens that point at nothing, and unknown tokens", () => {
    expect(referenceTokenProblems("<<<image_3>>>", 2, true)).toEqual([
      "<<<image_3>>> points at no image: 2 attached, so use image_1 to image_2.",
    ]);
    expect(referenceTokenProblems("<<<element_1>>>", 0, true)[0]).toMatch(/no elements are attached/);
    expect(referenceTokenProblems("<<<widget_1>>>", 0, true)[0]).toMatch(/not a reference token/);
    expect(referenceTokenProblems("<<<video_1>>>", 0, false)[0]).toMatch(/needs a reference video/);
    expect(referenceTokenProblems("<<<image_1>>> <<<video_1>>>", 1, true)).toEqual([]);
  });

  it("splits a prompt into text and tokens, marking broken ones", () => {
    expect(promptSegments("a <<<image_1>>> b <<<image_2>>>", 1, true)).toEqual([
      { text: "a ", token: false },
      { text: "<<<image_1>>>", token: true, broken: false },
      { text: " b ", token: false },
      { text: "<<<image_2>>>", token: true, broken: true },
    ]);
  });
});

describe("reference URLs", () => {
  it("refuses carrier-grade NAT and 0.x addresses too", () => {
    expect(referenceUrlProblem("https://100.64.1.2/a.mp4")).toMatch(/private or local/);
    expect(referenceUrlProblem("https://0.1.2.3/a.mp4")).toMatch(/private or local/);
    expect(referenceUrlProblem("https://100.128.0.1/a.mp4")).toBeNull();
  });
});
