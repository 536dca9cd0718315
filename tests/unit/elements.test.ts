import { describe, expect, it } from "vitest";
import { elementRequestSchema, elementRenameSchema } from "@/lib/elements/schema";
import { readElementId } from "@/lib/evolink/element-result";
import {
  fieldErrors,
  generationRequestSchema,
  referenceCountProblem,
  type GenerationRequest,
} from "@/lib/generation/schema";
import { GENERATION_DEFAULTS } from "@/lib/generation/rules";
import { referenceLimitText } from "@/lib/generation/reference-limit";
import { mappingAfterRemoval, promptSegments, renumberTokens } from "@/lib/generation/reference-tokens";
import { remixValues } from "@/lib/generation/remix";

const IMG = (n: number) => `https://media.example.com/el/${n}.png`;
const element = (overrides: Record<string, unknown> = {}) => ({
  name: "Captain Mara",
  description: "A weathered sea captain in a navy coat",
  frontalImageUrl: IMG(0),
  extraImageUrls: [IMG(1)],
  ...overrides,
});
const elementErrors = (value: unknown) => {
  const parsed = elementRequestSchema.safeParse(value);
  return parsed.success ? {} : fieldErrors(parsed.error);
};

describe("the element request schema", () => {
  it("accepts a frontal image with one to three more angles, trimming the texts", () => {
    for (const extra of [[IMG(1)], [IMG(1), IMG(2), IMG(3)]]) {
      expect(elementRequestSchema.safeParse(element({ extraImageUrls: extra })).success).toBe(true);
    }
    expect(elementRequestSchema.parse(element({ name: "  Mara  " })).name).toBe("Mara");
  });

  it("refuses a 21-character name and a 101-character description, counting characters not code units", () => {
    expect(elementErrors(element({ name: "x".repeat(21) })).name).toBe(
      "The name is 21 characters; the limit is 20. Shorten it.",
    );
    expect(elementErrors(element({ description: "y".repeat(101) })).description).toBe(
      "The description is 101 characters; the limit is 100. Shorten it.",
    );
    expect(elementRequestSchema.safeParse(element({ name: "🐙".repeat(20) })).success).toBe(true);
  });

  it("refuses a missing frontal image and zero or four extra angles", () => {
    expect(elementErrors(element({ frontalImageUrl: "" })).frontalImageUrl).toMatch(/Give a frontal image/);
    expect(elementErrors(element({ extraImageUrls: [] })).extraImageUrls).toMatch(/^0 extra angles given; give 1 to 3/);
    expect(elementErrors(element({ extraImageUrls: [IMG(1), IMG(2), IMG(3), IMG(4)] })).extraImageUrls).toMatch(
      /^4 extra angles given/,
    );
  });

  it("applies the reference images' URL rules to every image", () => {
    expect(elementErrors(element({ frontalImageUrl: "http://media.example.com/a.png" })).frontalImageUrl).toMatch(
      /https/,
    );
    expect(elementErrors(element({ extraImageUrls: ["https://192.168.1.4/a.png"] }))["extraImageUrls.0"]).toMatch(
      /private or local/,
    );
  });

  it("refuses unknown fields, empty texts and a thumbnail that is not a small JPEG data URL", () => {
    expect(elementErrors(element({ elementId: "1" }))._).toBe("Unknown field: elementId.");
    expect(elementErrors(element({ name: "   " })).name).toBe("Write a name.");
    expect(elementErrors(element({ thumbnail: "https://x.example/t.jpg" })).thumbnail).toMatch(/JPEG data URL/);
    expect(elementErrors(element({ thumbnail: `data:image/jpeg;base64,${"A".repeat(40_000)}` })).thumbnail).toMatch(
      /too large/,
    );
    expect(elementRequestSchema.safeParse(element({ thumbnail: "data:image/jpeg;base64,/9j/AA==" })).success).toBe(
      true,
    );
  });

  it("renames under the same name rule", () => {
    expect(elementRenameSchema.safeParse({ name: "Mara II" }).success).toBe(true);
    expect(elementRenameSchema.safeParse({ name: "z".repeat(21) }).success).toBe(false);
  });
});

describe("reading the element_id of a finished creation", () => {
  it.each([
    ["result_data[0].element_id, a string", { result_data: [{ element_id: "el_829" }] }, "el_829"],
    ["a number, stored as a string", { result_data: [{ element_id: 829_001_337 }] }, "829001337"],
    ["in a later result_data entry", { result_data: [{ image_url: "https://x/a.png" }, { element_id: "7" }] }, "7"],
    ["result_data as one object", { result_data: { element_id: "obj" } }, "obj"],
    ["results[] of objects", { results: [{ element_id: "r1" }] }, "r1"],
    ["results as one object", { results: { element_id: 42 } }, "42"],
    ["result_data before results", { results: [{ element_id: "b" }], result_data: [{ element_id: "a" }] }, "a"],
    ["surrounding spaces trimmed", { result_data: [{ element_id: " s1 " }] }, "s1"],
  ])("%s", (_, body, expected) => {
    expect(readElementId({ id: "task-unified-1-abcdefgh", status: "completed", ...body })).toEqual({
      ok: true,
      elementId: expected,
    });
  });

  it("finds no id in empty, blank, fractional, negative or missing values, and names the keys it saw", () => {
    const body = {
      id: "task-unified-1-abcdefgh",
      status: "completed",
      result_data: [{ element_id: "" }, { element_id: 1.5 }, { element_id: -3 }, { status: "ok" }],
      results: ["https://x/a.mp4"],
    };
    expect(readElementId(body)).toEqual({
      ok: false,
      keys: [
        "id",
        "status",
        "result_data",
        "results",
        "result_data[0].element_id",
        "result_data[1].element_id",
        "result_data[2].element_id",
        "result_data[3].status",
      ],
    });
    expect(readElementId({ result_data: { foo: 1 } })).toEqual({ ok: false, keys: ["result_data", "result_data.foo"] });
    expect(readElementId(null)).toEqual({ ok: false, keys: [] });
    expect(readElementId(["element_id"])).toEqual({ ok: false, keys: [] });
  });
});

const EL = (n: number) => `el-${String(n).padStart(16, "0")}`;
const generation = (overrides: Partial<GenerationRequest>): GenerationRequest => ({
  ...GENERATION_DEFAULTS,
  prompt: "A walk through <<<video_1>>>",
  videoUrl: "https://media.example.com/v.mp4",
  ...overrides,
});
const generationErrors = (value: unknown) => {
  const parsed = generationRequestSchema.safeParse(value);
  return parsed.success ? {} : fieldErrors(parsed.error);
};

describe("images and elements together", () => {
  it("allows up to four in all with a video", () => {
    expect(generationErrors(generation({ elementIds: [EL(1), EL(2)], imageUrls: [IMG(1), IMG(2)] }))).toEqual({});
    expect(generationErrors(generation({ elementIds: [EL(1)], imageUrls: [IMG(1), IMG(2), IMG(3)] }))).toEqual({});
  });

  it("refuses one element with four images, and five elements, naming the count", () => {
    expect(generationErrors(generation({ elementIds: [EL(1)], imageUrls: [1, 2, 3, 4].map(IMG) })).elementIds).toBe(
      "4 images and 1 element attached; with a reference video, images and elements together are at most 4. Remove 1.",
    );
    expect(generationErrors(generation({ elementIds: [1, 2, 3, 4, 5].map(EL) })).elementIds).toMatch(
      /^0 images and 5 elements attached/,
    );
  });

  it("names elements only when some are attached", () => {
    expect(referenceCountProblem(5, 0)).toBeNull();
    expect(referenceCountProblem(4, 1)).toMatch(/^4 images and 1 element attached/);
    expect(referenceLimitText(0)).toBe("at most 4 reference images");
    expect(referenceLimitText(1)).toBe(
      "with a video, images and elements together are at most 4, and 1 element is attached",
    );
    expect(referenceLimitText(2)).toMatch(/and 2 elements are attached$/);
  });

  it("refuses <<<element_2>>> with one element attached, a repeated element, and ids not made here", () => {
    expect(generationErrors(generation({ prompt: "<<<element_2>>> runs", elementIds: [EL(1)] })).prompt).toBe(
      "<<<element_2>>> points at no element: 1 attached, so use element_1 to element_1.",
    );
    expect(generationErrors(generation({ elementIds: [EL(1), EL(1)] })).elementIds).toBe(
      "Each element can be attached once.",
    );
    expect(generationErrors(generation({ elementIds: ["829001337"] }))["elementIds.0"]).toBe("Unknown element id.");
  });

  it("takes watermark as a boolean, and both new fields stay optional for older clients", () => {
    expect(generationErrors(generation({ watermark: true }))).toEqual({});
    expect(generationErrors({ ...generation({}), watermark: "yes" }).watermark).toMatch(/on or off/);
    const older: Partial<GenerationRequest> = generation({ prompt: "<<<video_1>>> dusk" });
    delete older.elementIds;
    delete older.watermark;
    expect(generationErrors(older)).toEqual({});
  });
});

describe("element tokens", () => {
  it("renumbers element tokens after a removal, leaving image tokens alone", () => {
    expect(
      renumberTokens("<<<element_1>>> and <<<element_2>>> by <<<image_2>>>", "element", mappingAfterRemoval(1)),
    ).toBe("and <<<element_1>>> by <<<image_2>>>");
  });

  it("highlights element tokens, marking one that points at nothing", () => {
    expect(promptSegments("<<<element_1>>> <<<element_2>>>", 0, true, 1)).toEqual([
      { text: "<<<element_1>>>", token: true, broken: false },
      { text: " ", token: false },
      { text: "<<<element_2>>>", token: true, broken: true },
    ]);
  });
});

describe("remixing an entry that used elements", () => {
  const request = generation({
    prompt: "<<<element_1>>> meets <<<element_2>>> in <<<video_1>>>",
    elementIds: [EL(1), EL(2)],
    watermark: true,
  });
  const elements = [
    { id: EL(1), name: "Mara", elementId: "111", deleted: true },
    { id: EL(2), name: "Gull", elementId: "222", deleted: false },
  ];

  it("restores the elements still in the library and names the deleted ones, renumbering their tokens", () => {
    const remix = remixValues({ request, references: [], elements }, Date.now());
    expect(remix.values.elementIds).toEqual([EL(2)]);
    expect(remix.values.prompt).toBe("meets <<<element_1>>> in <<<video_1>>>");
    expect(remix.values.watermark).toBe(true);
    expect(remix.deletedElements).toEqual(["element 1 “Mara”"]);
  });

  it("treats entries from before elements as having none and no watermark", () => {
    const older: Partial<GenerationRequest> = { ...request };
    delete older.elementIds;
    delete older.watermark;
    const remix = remixValues({ request: older as GenerationRequest, references: [] }, Date.now());
    expect(remix.values.elementIds).toEqual([]);
    expect(remix.values.watermark).toBe(false);
    expect(remix.deletedElements).toEqual([]);
  });
});
