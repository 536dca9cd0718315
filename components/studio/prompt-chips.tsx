"use client";
import { Fragment } from "react";
import { promptSegments } from "@/lib/generation/reference-tokens";
import { tokenReference } from "@/lib/generation/token-chips";
import type { TaskView } from "@/lib/tasks/view";
import { ReferenceChip, ReferenceThumb } from "./reference-chip";

/** A reference of an entry as its card shows it: the kept copy's thumbnail (null without one) and a title. */
function entryReference(task: TaskView, kind: "video" | "image", index: number) {
  const reference = task.references[kind === "video" ? 0 : index];
  return { thumbnail: reference?.kept?.thumbnailUrl ?? null, name: reference?.name ?? null };
}

/** An entry's prompt with its tokens as chips (the kept thumbnail, "Image 2"), not raw `<<<image_2>>>`. */
export function PromptWithChips({ task }: { task: TaskView }) {
  const { request, elements } = task;
  const segments = promptSegments(task.prompt, request.imageUrls.length, Boolean(request.videoUrl), elements.length);
  return segments.map((segment, index) => {
    const reference = segment.token ? tokenReference(segment.text) : null;
    if (!segment.token || !reference) return <Fragment key={index}>{segment.text}</Fragment>;
    const element = reference.kind === "element" ? elements[reference.index - 1] : undefined;
    const thumbnail = reference.kind === "element" ? null : entryReference(task, reference.kind, reference.index);
    return (
      <ReferenceChip
        key={index}
        kind={reference.kind}
        label={element ? element.name : reference.label}
        thumbnail={thumbnail?.thumbnail ?? null}
        broken={segment.broken}
      />
    );
  });
}

/** The references an entry used, by picture: the video, then each image, named as they were uploaded. */
export function EntryReferences({ task }: { task: TaskView }) {
  const items = [
    { kind: "video" as const, label: "Video", ...entryReference(task, "video", 0) },
    ...task.request.imageUrls.map((_, index) => ({
      kind: "image" as const,
      label: `Image ${index + 1}`,
      ...entryReference(task, "image", index + 1),
    })),
  ].filter((item) => item.kind === "image" || task.request.videoUrl);
  return (
    <ul data-testid="task-references" aria-label="References used" className="flex flex-wrap gap-2">
      {items.map((item) => (
        <li
          key={item.label}
          title={item.name ? `${item.label}: ${item.name}` : item.label}
          className="flex items-center gap-1.5 rounded-md border border-zinc-200 p-1 pr-2 text-xs text-zinc-600 dark:border-zinc-700 dark:text-zinc-300"
        >
          <ReferenceThumb src={item.thumbnail} kind={item.kind} className="size-8" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
