import type { StudioErrorBody } from "../errors";

export type ElementStatus = "creating" | "ready" | "failed";

/** An element of this studio's library, as the browser sees it. */
export interface ElementView {
  /** The studio's own id (`el-…`); generations name elements by it. */
  id: string;
  name: string;
  description: string;
  frontalImageUrl: string;
  extraImageUrls: string[];
  /** A JPEG data URL of the frontal image when it was uploaded here; null for one given as a link. */
  thumbnail: string | null;
  status: ElementStatus;
  /** The creation task's progress, 0–100, as the upstream reports it. */
  progress: number;
  estimatedSeconds: number | null;
  /** The upstream's element_id, once the creation finished with one. */
  elementId: string | null;
  error: StudioErrorBody | null;
  /** The upstream creation task, when the create was accepted. */
  taskId: string | null;
  createdAt: number;
  updatedAt: number;
  /** When the browser should ask again while it is being created. */
  pollAfterMs: number;
  pollIntervalMs: number;
}

/** An element a generation used, kept with the task (the name as it was then). */
export interface UsedElement {
  id: string;
  name: string;
  elementId: string;
}

/** As a card shows it: `deleted` once it has left the library since. */
export interface UsedElementView extends UsedElement {
  deleted: boolean;
}
