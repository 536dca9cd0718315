"use client";
import type { UseFormReturn } from "react-hook-form";
import { remixValues, type RestoredReference } from "../generation/remix";
import type { GenerationRequest } from "../generation/schema";
import type { TaskView } from "../tasks/view";
import type { ReferenceFile } from "./use-reference-media";

// "Use these settings", loaded at its first use: the entry's values, and its kept references attached again.

let restoredCount = 0;

/** A kept reference as a file again (its type from the studio's route), or null when it cannot be read. */
async function keptFile(reference: RestoredReference): Promise<ReferenceFile | null> {
  try {
    const response = await fetch(reference.keptUrl, { credentials: "same-origin" });
    if (!response.ok) return null;
    const blob = await response.blob();
    const file = new File([blob], reference.name, { type: blob.type });
    return {
      id: `restored-${++restoredCount}`,
      kind: reference.kind,
      file,
      previewUrl: URL.createObjectURL(file),
      facts: null,
      state: { status: "checking" },
      ...(reference.uploaded && { upload: reference.uploaded }),
    };
  } catch {
    return null;
  }
}

/** What a remix left for the person to know: uploads gone, kept copies uploaded again, elements deleted since. */
export type RemixLeft = { expired: string[]; reuploaded: string[]; deletedElements: string[] };

/**
 * Refills the form from an entry: its settings and prompt, its pasted links, and its kept uploads as attachments
 * again (checked, and uploaded again where their link expired). A kept copy that cannot be read is named with
 * the expired ones.
 */
export async function applyRemix(
  task: TaskView,
  target: {
    form: UseFormReturn<GenerationRequest>;
    clear: () => void;
    restore: (items: ReferenceFile[]) => void;
    setPasted: (urls: string[]) => void;
  },
): Promise<RemixLeft> {
  const remix = remixValues(task, Date.now());
  target.clear();
  target.form.reset(remix.values);
  target.setPasted(remix.pastedImageUrls);
  const files = await Promise.all(remix.restore.map(keptFile));
  const missing = remix.restore
    .filter((_, index) => !files[index])
    .map((reference) => `${reference.kind} “${reference.name}”`);
  target.restore(files.filter((file): file is ReferenceFile => file !== null));
  return {
    expired: [...remix.expired, ...missing],
    reuploaded: remix.reuploaded.filter((name) => !missing.includes(name)),
    deletedElements: remix.deletedElements,
  };
}
