import "server-only";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { sniffMediaType, type SniffedType } from "../../media/probe";
import { startUpload, type StreamingUpload } from "../evolink/file-upload";
import type { UploadKind } from "./receive";

const SNIFF_BYTES = 16;

/** Starts the file-service upload once the first bytes tell what the file is, then passes every chunk on. */
export class Forwarder {
  upload: StreamingUpload | null = null;
  sniffed: SniffedType | null = null;
  fileName = "";
  private head: Buffer[] = [];
  private headBytes = 0;
  private unknown = false;

  constructor(private readonly kind: UploadKind) {}

  async write(chunk: Buffer): Promise<void> {
    if (this.upload) return this.upload.write(chunk);
    // An unrecognisable file is only written to disk; the check then refuses it with the reason.
    if (this.unknown) return;
    this.head.push(chunk);
    this.headBytes += chunk.length;
    if (this.headBytes < SNIFF_BYTES) return;
    const head = Buffer.concat(this.head);
    this.head = [];
    this.sniffed = sniffMediaType(head, this.kind);
    if (!this.sniffed) {
      this.unknown = true;
      return;
    }
    this.upload = await startUpload(safeName(this.fileName, this.sniffed.extension), this.sniffed.mime);
    await this.upload.write(head);
  }
}

/** A name the file service will accept, with the extension of what the file really is. */
function safeName(original: string, extension: SniffedType["extension"]): string {
  const base =
    path
      .basename(original)
      .replace(/\.[^.]*$/, "")
      .replace(/[^a-zA-Z0-9_-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 60) || "reference";
  return `${base}-${randomUUID().slice(0, 8)}.${extension}`;
}
