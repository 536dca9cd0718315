import { describe, expect, it } from "vitest";
import { convertForeignTokens, tokenReference } from "@/lib/generation/token-chips";
import { remixValues } from "@/lib/generation/remix";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import type { ReferenceInfo } from "@/lib/tasks/view";

describe("pasted @Image1-style references", () => {
  it.each([
    ["@Image1 walks past @image_2 in @Video", "<<<image_1>>> walks past <<<image_2>>> in <<<video_1>>>"],
    ["@Video1 with @Element-3 and @IMAGE 4", "<<<video_1>>> with <<<element_3>>> and <<<image_4>>>"],
    ["(@image02), @element1.", "(<<<image_2>>>), <<<element_1>>>."],
  ])("converts %j", (pasted, expected) => {
    expect(convertForeignTokens(pasted)).toBe(expected);
  });

  it.each([
    "mail me at someone@image1.example",
    "@Images of the sea",
    "a lone @Image with no number",
    "@Video2 is not a second video",
    "@@image1",
    "plain text",
  ])("leaves %j alone", (text) => {
    expect(convertForeignTokens(text)).toBe(text);
  });
});

describe("tokens as chips", () => {
  it("names what a token points at, and nothing for a token that is no reference", () => {
    expect(tokenReference("video_1")).toEqual({ kind: "video", index: 1, label: "Video" });
    expect(tokenReference("image_3")).toEqual({ kind: "image", index: 3, label: "Image 3" });
    expect(tokenReference("element_2")).toEqual({ kind: "element", index: 2, label: "Element 2" });
    expect(tokenReference("video_2")).toBeNull();
    expect(tokenReference("picture_1")).toBeNull();
  });
});

describe("remix with kept references", () => {
  const past = "2026-01-01T00:00:00Z";
  const future = "2099-01-01T00:00:00Z";
  const kept = (slot: string) => ({ url: `/api/tasks/t/reference${slot}`, thumbnailUrl: null });
  const ref = (
    url: string,
    kind: ReferenceInfo["kind"],
    name: string | null,
    expiresAt: string | null,
    slot?: string,
  ) => ({ url, kind, name, expiresAt, kept: slot === undefined ? null : kept(slot) }) satisfies ReferenceInfo;

  it("attaches kept uploads again (re-uploading the expired ones), keeps pasted links, and renumbers the tokens", () => {
    const request = {
      ...GENERATION_DEFAULTS,
      prompt: "<<<video_1>>> <<<image_1>>> <<<image_2>>> <<<image_3>>> <<<image_4>>>",
      videoUrl: "https://files/v.mp4",
      imageUrls: ["https://pasted/a.png", "https://files/b.png", "https://files/c.png", "https://files/d.png"],
    };
    const references = [
      ref("https://files/v.mp4", "video", "clip.mp4", past, ""),
      ref("https://pasted/a.png", "image", null, null),
      ref("https://files/b.png", "image", "b.png", future, "/image-2"),
      ref("https://files/c.png", "image", "c.png", past, "/image-3"),
      // Expired and never kept (archived before images were): left out and named.
      ref("https://files/d.png", "image", "d.png", past),
    ];
    const remix = remixValues({ request, references }, Date.parse("2026-06-01T00:00:00Z"));
    expect(remix.restore).toEqual([
      { kind: "video", keptUrl: "/api/tasks/t/reference", name: "clip.mp4", uploaded: null },
      {
        kind: "image",
        keptUrl: "/api/tasks/t/reference/image-2",
        name: "b.png",
        uploaded: { fileUrl: "https://files/b.png", expiresAt: future },
      },
      { kind: "image", keptUrl: "/api/tasks/t/reference/image-3", name: "c.png", uploaded: null },
    ]);
    expect(remix.reuploaded).toEqual(["video “clip.mp4”", "image “c.png”"]);
    expect(remix.expired).toEqual(["image 4 “d.png”"]);
    expect(remix.values.videoUrl).toBe("");
    expect(remix.pastedImageUrls).toEqual(["https://pasted/a.png"]);
    // Restored b and c come first (1, 2), then the pasted a (3); d is gone.
    expect(remix.values.prompt).toBe("<<<video_1>>> <<<image_3>>> <<<image_1>>> <<<image_2>>> ");
  });
});
