import { mappingAfterRemoval, renumberTokens } from "./reference-tokens";
import type { TaskView } from "../tasks/view";
import type { UsedElement } from "../elements/view";

/**
 * The form values for "Use these settings": expired uploads are left out (their tokens with them) and named;
 * so are elements deleted from the library since (`deletedElements`), never silently dropped.
 */
export function remixValues(
  task: Pick<TaskView, "request" | "references"> & Partial<Pick<TaskView, "elements">>,
  now: number,
) {
  const isExpired = (url: string) => {
    const expiresAt = task.references.find((ref) => ref.url === url)?.expiresAt;
    return Boolean(expiresAt && Date.parse(expiresAt) <= now);
  };
  const label = (url: string, fallback: string) => task.references.find((ref) => ref.url === url)?.name ?? fallback;
  const expired: string[] = [];
  let prompt = task.request.prompt;
  const videoExpired = isExpired(task.request.videoUrl);
  if (videoExpired) expired.push(`video “${label(task.request.videoUrl, "reference video")}”`);
  // Walk backwards so removing one reference does not shift the numbers of those still to check.
  const imageUrls = [...task.request.imageUrls];
  const expiredImages: string[] = [];
  for (let index = imageUrls.length - 1; index >= 0; index -= 1) {
    const url = imageUrls[index] ?? "";
    if (!isExpired(url)) continue;
    expiredImages.unshift(`image ${index + 1} “${label(url, "reference image")}”`);
    imageUrls.splice(index, 1);
    prompt = renumberTokens(prompt, "image", mappingAfterRemoval(index + 1));
  }
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
      ...task.request,
      prompt,
      videoUrl: videoExpired ? "" : task.request.videoUrl,
      imageUrls,
      elementIds: elements.map((element) => element.id),
      watermark: task.request.watermark ?? false,
      // One take: remixing one of a group's takes should not silently cost the group's total again.
      variants: 1,
    },
    pastedImageUrls: imageUrls,
    expired: [...expired, ...expiredImages],
    elements,
    deletedElements,
  };
}
