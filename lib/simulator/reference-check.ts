import type { IncomingMessage } from "node:http";
import { MediaProbeError, probeImage, probeVideo } from "../media/probe";
import { VIDEO_RULES } from "../media/rules";
import { imageProblems, videoProblems } from "../media/checks";
import { badRequest, type HttpError } from "./errors";
import { keyFromFilesPath, type FileStore, type StoredFile } from "./file-store";
import { requestOrigin } from "./context";
import { readHead } from "./file-type";

const NOT_DOWNLOADABLE = "HTTP 404 Not Found";
const PROBE_FAILED = "Failed to detect video duration, please check video URL accessibility";

/**
 * Resolves a URL on this simulator's own file host (its public files base, or the request's host:port) to
 * its stored file: `{ file: undefined }` when unknown or expired, null for any other URL (never fetched).
 */
function ownFile(url: string, hosts: OwnHosts, files: FileStore, nowMs: number): { file?: StoredFile } | null {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return null;
  }
  const isPublic = target.host === hosts.public;
  if (!isPublic && target.host !== hosts.local) return null;
  const download = /^\/api\/v1\/files\/download\/([^/]+)$/.exec(target.pathname);
  if (download) return { file: files.findById(download[1] ?? "", nowMs) };
  // Public links are `/<upload_path>/<name>`; this origin serves the same files under `/files/`.
  if (isPublic) return { file: files.findByKey(keyFromFilesPath(`/files${target.pathname}`), nowMs) };
  if (target.pathname.startsWith("/files/")) return { file: files.findByKey(keyFromFilesPath(target.pathname), nowMs) };
  return null;
}

interface OwnHosts {
  local: string;
  public: string | null;
}

async function checkVideo(file: StoredFile | undefined): Promise<HttpError | null> {
  const param = "video_url";
  if (!file) return badRequest("invalid_parameter", `${param} could not be downloaded: ${NOT_DOWNLOADABLE}`, param);
  try {
    const problems = videoProblems(await probeVideo(file.diskPath, file.size), VIDEO_RULES.apiMaxBytes);
    return problems.length ? badRequest("invalid_parameter", problems.join(" "), param) : null;
  } catch (error) {
    if (!(error instanceof MediaProbeError)) throw error;
    if (error.kind === "unreadable") return badRequest("video_probe_failed", PROBE_FAILED, param);
    return badRequest("invalid_parameter", error.message, param);
  }
}

/** An image to check: its URL, how a problem names it, and the param the error is reported under. */
export interface ImageRef {
  url: string;
  name: string;
  param: string;
}

async function checkImage(file: StoredFile | undefined, { name, param }: ImageRef): Promise<HttpError | null> {
  if (!file) return badRequest("invalid_parameter", `${name} could not be downloaded: ${NOT_DOWNLOADABLE}`, param);
  try {
    const problems = imageProblems(probeImage(await readHead(file.diskPath), file.size));
    return problems.length ? badRequest("invalid_parameter", `${name}: ${problems.join(" ")}`, param) : null;
  } catch (error) {
    if (!(error instanceof MediaProbeError)) throw error;
    return badRequest("invalid_parameter", `${name}: ${error.message}`, param);
  }
}

function ownHostsOf(req: IncomingMessage, publicFilesBase: string): OwnHosts {
  return {
    local: new URL(requestOrigin(req)).host,
    public: publicFilesBase ? new URL(publicFilesBase).host : null,
  };
}

/** Probes the images stored on this simulator, answering the first problem as a 400; other hosts are not fetched. */
export async function checkImages(
  req: IncomingMessage,
  files: FileStore,
  nowMs: number,
  publicFilesBase: string,
  images: readonly ImageRef[],
): Promise<HttpError | null> {
  const ownHosts = ownHostsOf(req, publicFilesBase);
  for (const image of images) {
    const own = ownFile(image.url, ownHosts, files, nowMs);
    if (!own) continue;
    const error = await checkImage(own.file, image);
    if (error) return error;
  }
  return null;
}

/**
 * Probes references stored on this simulator the way the real API inspects what it downloads, answering
 * the first problem as a synchronous 400 (CONTRACT.md, "Errors": the real split between 400 and a failed task is unknown).
 */
export async function checkReferences(
  req: IncomingMessage,
  files: FileStore,
  nowMs: number,
  publicFilesBase: string,
  refs: { videoUrl: string; imageUrls: readonly string[] },
): Promise<HttpError | null> {
  const video = ownFile(refs.videoUrl, ownHostsOf(req, publicFilesBase), files, nowMs);
  if (video) {
    const error = await checkVideo(video.file);
    if (error) return error;
  }
  const images = refs.imageUrls.map((url, index) => ({ url, name: `image_urls[${index}]`, param: "image_urls" }));
  return checkImages(req, files, nowMs, publicFilesBase, images);
}
