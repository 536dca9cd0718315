"use client";
import type { StudioErrorBody } from "../errors";
import type { ImageFacts, VideoFacts } from "../media/rules";
import type { ReferenceState } from "./use-reference-media";

export interface UploadedReference {
  fileUrl: string;
  expiresAt: string | null;
  facts: VideoFacts | ImageFacts;
}

export interface UploadHandle {
  done: Promise<UploadedReference>;
  abort: () => void;
}

export class UploadError extends Error {
  constructor(
    readonly body: StudioErrorBody,
    readonly aborted = false,
  ) {
    super(body.message);
    this.name = "UploadError";
  }
}

/** Where an upload that did not finish leaves its file: cancelled, or failed with what to say and what to do. */
export function unfinishedState(error: unknown): ReferenceState {
  if (error instanceof UploadError && error.aborted) return { status: "cancelled" };
  const body = error instanceof UploadError ? error.body : null;
  const evolinkSaid = body?.upstreamMessage && `Evolink said: ${body.upstreamMessage}`;
  const message = [body?.message ?? "The upload failed.", body?.detail, evolinkSaid].filter(Boolean).join(" ");
  return { status: "failed", message, action: body?.action ?? "Try again.", requestId: body?.requestId };
}

/** Uploads one reference through the studio's server. XHR, because fetch cannot report upload progress. */
export function uploadReference(
  file: File,
  kind: "video" | "image",
  onProgress: (loaded: number, total: number) => void,
): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadedReference>((resolve, reject) => {
    xhr.open("POST", `/api/uploads?kind=${kind}`);
    xhr.responseType = "json";
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      const body = xhr.response as (UploadedReference & { error?: StudioErrorBody }) | null;
      if (xhr.status === 201 && body?.fileUrl) return resolve(body);
      reject(
        new UploadError(
          body?.error ?? {
            code: "upload_interrupted",
            message: `The upload failed (HTTP ${xhr.status}).`,
            action: "Try again.",
            retryable: true,
          },
        ),
      );
    };
    xhr.onerror = () =>
      reject(
        new UploadError({
          code: "upload_interrupted",
          message: "The connection dropped during the upload.",
          action: "Check your connection and retry.",
          retryable: true,
        }),
      );
    xhr.onabort = () =>
      reject(
        new UploadError(
          { code: "upload_interrupted", message: "Upload cancelled.", action: "", retryable: true },
          true,
        ),
      );
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}
