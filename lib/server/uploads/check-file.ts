import "server-only";
import { open } from "node:fs/promises";
import type { ErrorCode } from "../../errors";
import { MediaProbeError, probeImage, type SniffedType } from "../../media/probe";
import { type ImageFacts, type VideoFacts } from "../../media/rules";
import { imageProblems, videoProblems } from "../../media/checks";
import { probeVideoIsolated } from "../media/isolated-probe";
import type { UploadKind, UploadOutcome } from "./receive";

export type Checked = { ok: true; facts: VideoFacts | ImageFacts } | Extract<UploadOutcome, { ok: false }>;

const PROBE_ERROR_CODES: Record<MediaProbeError["kind"], ErrorCode> = {
  type: "unsupported_file_type",
  unreadable: "media_rule_violation",
  limit: "media_probe_failed",
  busy: "media_probe_busy",
};

/** Checks the received file by its content against the model's rules; `cap` is the upload limit for its kind. */
export async function checkFile(kind: UploadKind, filePath: string, size: number, cap: number): Promise<Checked> {
  try {
    if (kind === "video") {
      // Untrusted bytes meet the demuxer only in a worker bounded in time and memory.
      const facts = await probeVideoIsolated(filePath, size);
      const problems = videoProblems(facts, cap);
      return problems.length
        ? { ok: false, code: "media_rule_violation", detail: problems.join(" ") }
        : { ok: true, facts };
    }
    const facts = probeImage(await readHead(filePath), size);
    const problems = imageProblems(facts);
    return problems.length
      ? { ok: false, code: "media_rule_violation", detail: problems.join(" ") }
      : { ok: true, facts };
  } catch (error) {
    if (error instanceof MediaProbeError)
      return { ok: false, code: PROBE_ERROR_CODES[error.kind], detail: error.message };
    throw error;
  }
}

// Image headers sit near the start; JPEGs with big EXIF blocks need more than a few kB.
async function readHead(filePath: string): Promise<Uint8Array> {
  const handle = await open(filePath, "r");
  try {
    const buffer = Buffer.alloc(512 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

export function extensionOf(facts: VideoFacts | ImageFacts): SniffedType["extension"] {
  return "container" in facts ? facts.container : facts.type;
}
