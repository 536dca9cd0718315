"use client";
import { DropZone } from "@/components/ui/drop-zone";
import { describedBy, Field } from "@/components/ui/field";
import { IconButton } from "@/components/ui/icon-button";
import { Textarea } from "@/components/ui/input";
import { ELEMENT_MAX_IMAGES, type ElementForm } from "@/lib/client/use-element-form";
import { imageRulesLine } from "@/lib/media/rules";
import { UploadStatus } from "./upload-status";

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

const roleOf = (index: number) => (index === 0 ? "Frontal view" : `Angle ${index}`);

/** The element's images: files (checked and uploaded like reference images), then pasted links; the first is the frontal view. */
export function ElementImagesInput({ form, error }: { form: ElementForm; error?: string }) {
  const { media } = form;
  const freeSlots = ELEMENT_MAX_IMAGES - media.images.length - form.pastedUrls.length;
  const hint = "Or paste public https image links, one per line; they follow the files.";
  return (
    <div className="flex flex-col gap-2">
      <DropZone
        id="elementImages"
        label="Element images"
        accept="image/jpeg,image/png,image/webp,image/gif"
        multiple
        disabled={freeSlots <= 0}
        onFiles={(files) => media.addImages(files, freeSlots)}
      >
        <span className="font-medium text-zinc-700 dark:text-zinc-300">
          The first image is the frontal view; add one to three more angles
        </span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">{imageRulesLine()}</span>
      </DropZone>
      {media.images.length > 0 && (
        <ol className="grid grid-cols-1 gap-2 sm:grid-cols-2" aria-label="Element images">
          {media.images.map((item, index) => (
            <li
              key={item.id}
              data-testid="element-image"
              className="flex flex-col gap-1 rounded-lg border border-zinc-200 p-2 dark:border-zinc-800"
            >
              <div className="flex items-center gap-2">
                {/* eslint-disable-next-line @next/next/no-img-element -- a blob: URL of the person's own file */}
                <img src={item.previewUrl} alt="" className="size-10 shrink-0 rounded object-cover" />
                <div className="min-w-0 flex-1 text-xs">
                  <p className="font-semibold text-violet-700 dark:text-violet-300">{roleOf(index)}</p>
                  <p className="truncate" title={item.file.name}>
                    {item.file.name}
                  </p>
                </div>
                <IconButton
                  aria-label={`Remove ${roleOf(index).toLowerCase()}`}
                  onClick={() => media.removeImage(item.id)}
                >
                  ✕
                </IconButton>
              </div>
              <UploadStatus item={item} onCancel={() => media.cancel(item.id)} onRetry={() => media.retry(item)} />
            </li>
          ))}
        </ol>
      )}
      <Field id="element-image-urls" label="Element image links" hint={hint} error={error}>
        <Textarea
          id="element-image-urls"
          rows={2}
          spellCheck={false}
          placeholder="https://example.com/captain-front.png"
          aria-invalid={Boolean(error)}
          aria-describedby={describedBy("element-image-urls", error, hint)}
          className="resize-y font-mono text-xs leading-6"
          defaultValue={form.pastedUrls.join("\n")}
          onChange={(event) => form.setPastedUrls(lines(event.target.value))}
        />
      </Field>
    </div>
  );
}
