"use client";
import { useState } from "react";
import { elementRequestSchema } from "../elements/schema";
import type { ElementView } from "../elements/view";
import { fieldErrors } from "../generation/schema";
import { StudioApiError } from "./api";
import { useCreateElement } from "./elements";
import { jpegThumbnail } from "./thumbnail";
import { uploadedUrl, useReferenceMedia } from "./use-reference-media";

/** Most images one element takes: the frontal view and up to three more angles. */
export const ELEMENT_MAX_IMAGES = 4;

/**
 * The New element form's state: name, description, and its images (uploaded files first, then pasted links;
 * the first is the frontal view, the rest extra angles). Checked with the shared schema before anything is
 * sent, and again by the server; the server's field messages land on the same fields.
 */
export function useElementForm(onCreated: (element: ElementView) => void) {
  const media = useReferenceMedia(0);
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [pastedUrls, setPastedUrls] = useState<string[]>([]);
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const create = useCreateElement({
    onCreated: (element) => {
      setName("");
      setDescription("");
      setPastedUrls([]);
      media.clear();
      onCreated(element);
    },
  });
  const serverError = create.error instanceof StudioApiError ? create.error.body : null;
  const errors = { ...(serverError?.fields ?? {}), ...localErrors };
  const waitingFor = media.busy
    ? "Wait for the upload to finish."
    : media.blocked
      ? "An image needs attention: remove the one marked in red."
      : null;

  const submit = async () => {
    if (waitingFor) return;
    const urls = [...media.images.map(uploadedUrl).filter((url): url is string => url !== null), ...pastedUrls];
    const frontalFile = media.images[0]?.file;
    const thumbnail = frontalFile ? await jpegThumbnail(frontalFile) : null;
    const parsed = elementRequestSchema.safeParse({
      name,
      description,
      frontalImageUrl: urls[0] ?? "",
      extraImageUrls: urls.slice(1),
      ...(thumbnail ? { thumbnail } : {}),
    });
    setLocalErrors(parsed.success ? {} : fieldErrors(parsed.error));
    if (parsed.success) create.mutate(parsed.data);
  };

  return {
    media,
    name,
    setName,
    description,
    setDescription,
    pastedUrls,
    setPastedUrls,
    errors,
    /** The server's refusal that belongs to no field. */
    failure: serverError && !serverError.fields ? serverError : null,
    waitingFor,
    pending: create.isPending,
    submit,
  };
}

export type ElementForm = ReturnType<typeof useElementForm>;
