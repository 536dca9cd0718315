import { mappingAfterRemoval, renumberTokens } from "./reference-tokens";
import type { ReferenceInfo, TaskView } from "../tasks/view";
import type { UsedElement } from "../elements/view";

/**
 * A reference the studio kept that a remix attaches again as a file: fetched from `keptUrl`; `uploaded` is its
 * still-live upload (used as it is), or null when that link has expired and the copy must be uploaded again.
 */
export interface RestoredReference {
  kind: "video" | "image";
  keptUrl: string;
  name: string;
  uploaded: { fileUrl: string; expiresAt: string | null } | null;
}

type RemixSource = Pick<TaskView, "request" | "references"> & Partial<Pick<TaskView, "elements">>;

/** What becomes of one reference: attached again from the studio's copy, kept as its link, or left out. */
function fate(reference: ReferenceInfo | undefined, url: string, now: number, fallbackName: string) {
  const expired = Boolean(reference?.expiresAt && Date.parse(reference.expiresAt) <= now);
  const name = reference?.name ?? fallbackName;
  // Only uploads are restored as files: a pasted link is the person's own, and stays one.
  if (reference?.kept && reference.expiresAt) {
    const uploaded = expired ? null : { fileUrl: url, expiresAt: reference.expiresAt };
    return { kind: "restore" as const, keptUrl: reference.kept.url, name, uploaded };
  }
  return expired ? { kind: "expired" as const, name } : { kind: "link" as const };
}

/**
 * The form values for "Use these settings". Uploads the studio kept come back as attachments (`restore`; those
 * whose link expired are uploaded again and named in `reuploaded`); expired uploads it did not keep are left out
 * (their tokens with them) and named; so are elements deleted from the library since (`deletedElements`).
 * Restored images come first, then pasted links, as the form numbers them; the prompt's tokens follow.
 */
export function remixValues(task: RemixSource, now: number) {
  const { request } = task;
  const expired: string[] = [];
  const restore: RestoredReference[] = [];
  const video = fate(task.references[0], request.videoUrl, now, "reference video");
  if (video.kind === "restore") restore.push({ ...video, kind: "video" });
  if (video.kind === "expired") expired.push(`video “${video.name}”`);

  const restoredImages: number[] = [];
  const linkedImages: number[] = [];
  request.imageUrls.forEach((url, index) => {
    const image = fate(task.references[index + 1], url, now, "reference image");
    if (image.kind === "restore") {
      restore.push({ ...image, kind: "image" });
      restoredImages.push(index + 1);
    } else if (image.kind === "link") linkedImages.push(index + 1);
    else expired.push(`image ${index + 1} “${image.name}”`);
  });
  const order = [...restoredImages, ...linkedImages];
  let prompt = renumberTokens(request.prompt, "image", (n) => {
    const position = order.indexOf(n);
    return position < 0 ? null : position + 1;
  });
  const imageUrls = linkedImages.map((n) => request.imageUrls[n - 1] ?? "");

  const elements: UsedElement[] = [];
  const deletedElements: string[] = [];
  const used = task.elements ?? [];
  for (let index = used.length - 1; index >= 0; index -= 1) {
    const element = used[index]!;
    if (!element.deleted) {
      elements.unshift({ id: element.id, name: element.name, elementId: element.elementId });
      continue;
    }
    deletedElements.unshift(`element ${index + 1} “${element.name}”`);
    prompt = renumberTokens(prompt, "element", mappingAfterRemoval(index + 1));
  }
  return {
    values: {
      ...request,
      prompt,
      // A restored video sets its URL once it is attached again.
      videoUrl: video.kind === "link" ? request.videoUrl : "",
      imageUrls,
      elementIds: elements.map((element) => element.id),
      watermark: request.watermark ?? false,
      // One take: remixing one of a group's takes should not silently cost the group's total again.
      variants: 1,
    },
    pastedImageUrls: imageUrls,
    expired,
    restore,
    reuploaded: restore.filter((item) => !item.uploaded).map((item) => `${item.kind} “${item.name}”`),
    elements,
    deletedElements,
  };
}
