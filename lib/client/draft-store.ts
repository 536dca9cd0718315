"use client";
import { createStore, delMany, get, getMany, setMany, type UseStore } from "idb-keyval";
import type { UseFormReturn } from "react-hook-form";
import { GENERATION_DEFAULTS } from "../generation/rules";
import type { GenerationRequest } from "../generation/schema";
import type { ReferenceFile } from "./use-reference-media";

// The composer's draft, kept in this browser's IndexedDB: the form's values and pasted links in one record, each
// uploaded reference's file in its own (written once, so typing never rewrites a video). Loaded when the browser
// is idle, so none of it is first-load code.

const DRAFT_KEY = "composer";
const fileKey = (id: string) => `file:${id}`;
/** A file link this close to its expiry is uploaded again rather than trusted (CONTRACT.md, "File service"). */
const EXPIRY_MARGIN_MS = 10 * 60 * 1000;

interface KeptReference {
  id: string;
  kind: ReferenceFile["kind"];
  facts: ReferenceFile["facts"];
  fileUrl: string;
  expiresAt: string | null;
}

interface StoredDraft {
  version: 1;
  values: Partial<Record<keyof GenerationRequest, unknown>>;
  pasted: string[];
  refs: KeptReference[];
}

export interface DraftTarget {
  form: UseFormReturn<GenerationRequest>;
  /** The chosen files and pasted image links as they are now. */
  read: () => { video: ReferenceFile | null; images: ReferenceFile[]; pasted: string[] };
  setPasted: (urls: string[]) => void;
  restoreMedia: (items: ReferenceFile[]) => void;
}

const sameShape = (value: unknown, like: unknown) =>
  Array.isArray(like)
    ? Array.isArray(value) && value.every((entry) => typeof entry === "string")
    : typeof value === typeof like;

/** The stored values over the defaults, each only if it has the type the form expects (a draft from older code). */
export function draftValues(stored: StoredDraft["values"]): GenerationRequest {
  const values: Record<string, unknown> = { ...GENERATION_DEFAULTS };
  for (const [key, like] of Object.entries(GENERATION_DEFAULTS)) {
    const value = stored[key as keyof GenerationRequest];
    if (value !== undefined && sameShape(value, like)) values[key] = value;
  }
  return values as unknown as GenerationRequest;
}

function isDraft(value: unknown): value is StoredDraft {
  const draft = value as StoredDraft | undefined;
  return (
    draft?.version === 1 && typeof draft.values === "object" && Array.isArray(draft.pasted) && Array.isArray(draft.refs)
  );
}

/** A kept reference as a chosen file again: uploaded while its link lasts, otherwise checked and uploaded anew. */
export function restoredReference(kept: KeptReference, file: File, now: number): ReferenceFile {
  const expiry = kept.expiresAt === null ? Infinity : Date.parse(kept.expiresAt);
  const fresh = expiry - now > EXPIRY_MARGIN_MS;
  return {
    id: kept.id,
    kind: kept.kind,
    file,
    previewUrl: URL.createObjectURL(file),
    facts: kept.facts,
    state: fresh ? { status: "uploaded", fileUrl: kept.fileUrl, expiresAt: kept.expiresAt } : { status: "checking" },
  };
}

const uploadedOnly = (item: ReferenceFile | null): item is ReferenceFile => item?.state.status === "uploaded";

function keptReference(item: ReferenceFile): KeptReference {
  const state = item.state as Extract<ReferenceFile["state"], { status: "uploaded" }>;
  return { id: item.id, kind: item.kind, facts: item.facts, fileUrl: state.fileUrl, expiresAt: state.expiresAt };
}

/** Writes the draft as it is; files only for references not written before, and forgets those gone. */
async function writeDraft(db: UseStore, target: DraftTarget, written: Set<string>): Promise<void> {
  const { video, images, pasted } = target.read();
  const kept = [video, ...images].filter(uploadedOnly);
  const draft: StoredDraft = { version: 1, values: target.form.getValues(), pasted, refs: kept.map(keptReference) };
  const newFiles = kept
    .filter((item) => !written.has(item.id))
    .map((item): [string, File] => [fileKey(item.id), item.file]);
  await setMany([...newFiles, [DRAFT_KEY, draft] as [string, StoredDraft]], db);
  const keptIds = new Set(kept.map((item) => item.id));
  const gone = [...written].filter((id) => !keptIds.has(id));
  await delMany(gone.map(fileKey), db);
  written.clear();
  keptIds.forEach((id) => written.add(id));
}

/** Puts the stored draft back into an untouched form; returns the ids of the files it holds. */
async function restoreDraft(db: UseStore, target: DraftTarget): Promise<string[]> {
  const draft: unknown = await get(DRAFT_KEY, db);
  if (!isDraft(draft)) return [];
  const files = await getMany<unknown>(
    draft.refs.map((kept) => fileKey(kept.id)),
    db,
  );
  const { video, images } = target.read();
  if (target.form.getValues("prompt") || video || images.length) return draft.refs.map((kept) => kept.id);
  const now = Date.now();
  const restored = draft.refs.flatMap((kept, index) => {
    const file = files[index];
    return file instanceof File ? [restoredReference(kept, file, now)] : [];
  });
  target.form.reset(draftValues(draft.values));
  target.setPasted(draft.pasted.filter((url) => typeof url === "string"));
  target.restoreMedia(restored);
  return draft.refs.map((kept) => kept.id);
}

const askBeforeLeaving = (event: BeforeUnloadEvent) => event.preventDefault();

/**
 * Restores the draft, then keeps it in step with the form: returns the function to call after the media changed
 * (with whether a file is still being checked or uploaded, when leaving asks first) and the one that stops
 * following. Writes are debounced and never overlap.
 */
export async function followDraft(
  target: DraftTarget,
): Promise<{ changed: (busy: boolean) => void; stop: () => void }> {
  const db = createStore("kling-studio", "draft");
  const written = new Set(await restoreDraft(db, target).catch(() => []));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let writing = Promise.resolve();
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      writing = writing.then(() => writeDraft(db, target, written)).catch(() => undefined);
    }, 300);
  };
  const subscription = target.form.watch(schedule);
  const stop = () => {
    clearTimeout(timer);
    subscription.unsubscribe();
    window.removeEventListener("beforeunload", askBeforeLeaving);
  };
  const changed = (busy: boolean) => {
    schedule();
    if (busy) window.addEventListener("beforeunload", askBeforeLeaving);
    else window.removeEventListener("beforeunload", askBeforeLeaving);
  };
  return { changed, stop };
}
