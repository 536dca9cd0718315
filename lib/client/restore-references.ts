"use client";
import type { RestoredReference } from "../generation/remix";

// Loaded with "Use these settings" only.

/** A kept reference as a file again (its Content-Type from the studio's route), or null when it cannot be read. */
async function keptFile(reference: RestoredReference): Promise<File | null> {
  try {
    const response = await fetch(reference.keptUrl, { credentials: "same-origin" });
    if (!response.ok) return null;
    const blob = await response.blob();
    return new File([blob], reference.name, { type: blob.type });
  } catch {
    return null;
  }
}

/** The entry's kept references as files, in order; those that could not be read are named in `missing`. */
export async function keptFiles(references: RestoredReference[]) {
  const files = await Promise.all(references.map(keptFile));
  return {
    restored: references.flatMap((reference, index) => {
      const file = files[index];
      return file ? [{ kind: reference.kind, file, uploaded: reference.uploaded }] : [];
    }),
    missing: references.filter((_, index) => !files[index]).map((reference) => `${reference.kind} “${reference.name}”`),
  };
}
