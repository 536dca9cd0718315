"use client";
import type { StudioErrorBody } from "../errors";
import type { ImageFacts, VideoFacts } from "../media/rules";
import { UploadError, type UploadedReference, type UploadHandle } from "./upload";

// With object storage the browser sends a reference straight to the bucket: the studio signs a PUT of exactly this
// size and type, the file goes there with progress, then the studio checks what arrived and answers its link.
// Loaded only on the first upload of a studio that has a bucket (reference-transfer.ts).

interface Signed {
  key: string;
  uploadUrl: string;
  headers: Record<string, string>;
}

const DROPPED: StudioErrorBody = {
  code: "upload_interrupted",
  message: "The connection dropped during the upload.",
  action: "Check your connection and retry.",
  retryable: true,
};
const CANCELLED = new UploadError(
  { code: "upload_interrupted", message: "Upload cancelled.", action: "", retryable: true },
  true,
);

/** The type the studio signs for: what the browser's own check found in the file, else what the file says. */
export function contentTypeOf(file: File, facts: VideoFacts | ImageFacts | null | undefined): string {
  if (facts && "container" in facts) return facts.container === "mov" ? "video/quicktime" : "video/mp4";
  if (facts) return `image/${facts.type === "jpg" ? "jpeg" : facts.type}`;
  return file.type;
}

async function studioCall<T>(path: string, body: unknown, signal: AbortSignal): Promise<T> {
  let answer: Response;
  try {
    answer = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal,
    });
  } catch {
    throw signal.aborted ? CANCELLED : new UploadError(DROPPED);
  }
  const json = (await answer.json().catch(() => null)) as (T & { error?: StudioErrorBody }) | null;
  if (answer.status === 201 && json) return json;
  throw new UploadError(json?.error ?? { ...DROPPED, message: `The upload failed (HTTP ${answer.status}).` });
}

/** The PUT to the bucket, with progress; the bucket's own refusal reads as an interrupted upload. */
function put(file: File, signed: Signed, onProgress: (loaded: number, total: number) => void, signal: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", signed.uploadUrl);
    for (const [name, value] of Object.entries(signed.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve()
        : reject(new UploadError({ ...DROPPED, message: `The storage refused the file (HTTP ${xhr.status}).` }));
    xhr.onerror = () => reject(new UploadError(DROPPED));
    xhr.onabort = () => reject(CANCELLED);
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}

/** Uploads one reference straight to the studio's bucket: signed, sent with progress, then checked by the studio. */
export function uploadDirect(
  file: File,
  kind: "video" | "image",
  facts: VideoFacts | ImageFacts | null | undefined,
  onProgress: (loaded: number, total: number) => void,
): UploadHandle {
  const controller = new AbortController();
  const done = (async (): Promise<UploadedReference> => {
    const announced = { kind, size: file.size, type: contentTypeOf(file, facts) };
    const signed = await studioCall<Signed>("/api/uploads/direct", announced, controller.signal);
    await put(file, signed, onProgress, controller.signal);
    if (controller.signal.aborted) throw CANCELLED;
    return studioCall<UploadedReference>(
      "/api/uploads/direct/complete",
      { key: signed.key, name: file.name },
      controller.signal,
    );
  })();
  return { done, abort: () => controller.abort() };
}
