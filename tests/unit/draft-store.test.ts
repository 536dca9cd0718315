import { describe, expect, it } from "vitest";
import { draftValues, restoredReference } from "@/lib/client/draft-store";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";

const kept = (expiresAt: string | null) => ({
  id: "ref-1",
  kind: "video" as const,
  facts: null,
  fileUrl: "https://files.example.com/a.mp4",
  expiresAt,
});
const file = new File([new Uint8Array([1, 2, 3])], "a.mp4", { type: "video/mp4" });
const NOW = Date.parse("2026-12-01T12:00:00Z");

describe("the composer's draft", () => {
  it("takes each stored value that has the form's type, and the default for the rest", () => {
    const values = draftValues({
      prompt: "a boat",
      duration: 7,
      quality: "1080p",
      keepOriginalSound: false,
      imageUrls: ["https://a.example.com/1.png"],
      elementIds: [3],
      variants: "2",
      watermark: undefined,
    });
    expect(values).toEqual({
      ...GENERATION_DEFAULTS,
      prompt: "a boat",
      duration: 7,
      quality: "1080p",
      keepOriginalSound: false,
      imageUrls: ["https://a.example.com/1.png"],
    });
  });

  it("reuses a kept reference's upload while its link lasts, and checks and uploads it again near its expiry", () => {
    const fresh = restoredReference(kept("2026-12-02T12:00:00Z"), file, NOW);
    expect(fresh.state).toEqual({
      status: "uploaded",
      fileUrl: "https://files.example.com/a.mp4",
      expiresAt: "2026-12-02T12:00:00Z",
    });
    expect(fresh.previewUrl).toMatch(/^blob:/);
    expect(restoredReference(kept("2026-12-01T12:05:00Z"), file, NOW).state).toEqual({ status: "checking" });
    expect(restoredReference(kept("2026-11-30T12:00:00Z"), file, NOW).state).toEqual({ status: "checking" });
    expect(restoredReference(kept(null), file, NOW).state.status).toBe("uploaded");
  });
});
