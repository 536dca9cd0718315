import { rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isAuthorized, publicFileUrl, requestOrigin, type Context } from "./context";
import {
  FILE_NOT_FOUND,
  FILE_QUOTA_EXCEEDED,
  FILE_STORAGE_ERROR,
  FILE_TYPE_NOT_ALLOWED,
  FILE_UNAUTHORIZED,
  fileError,
  fileTooLarge,
  type HttpError,
} from "./errors";
import { isoPlus8, randomId, sanitizeFileName, sanitizeUploadPath, type StoredFile } from "./file-store";
import { detectType } from "./file-type";
import { sendError, sendJson, sendText, serveFile } from "./http";
import type { UploadLogEntry } from "./log";
import { receiveUpload, type ReceivedFile } from "./multipart";

/** Room for multipart boundaries and fields on top of the file itself. */
const MULTIPART_SLACK = 64 * 1024;
const STORAGE_ERROR_TAG = "sim-storage-error";
const ECHO_KEY_TAG = "sim-echo-key";
const LINGER_MS = 5000;

type UploadFacts = Pick<UploadLogEntry, "fileName" | "uploadPath" | "size" | "mime">;
const UNKNOWN: UploadFacts = { fileName: null, uploadPath: null, size: null, mime: null };

/**
 * Answers a refused upload. A body still arriving is discarded for up to LINGER_MS, then the socket is
 * cut (nginx's lingering close): closing at once makes a client that is still sending (fetch) fail with
 * EPIPE instead of reading the answer, and never reading it would leave the connection hanging.
 */
function refuse(req: IncomingMessage, res: ServerResponse, error: HttpError): void {
  res.on("finish", () => {
    if (req.complete) return;
    const timer = setTimeout(() => req.destroy(), LINGER_MS).unref();
    req.once("end", () => clearTimeout(timer));
    req.resume();
  });
  sendError(res, error);
}

function field(fields: Map<string, string>, snake: string, camel: string): string {
  return fields.get(snake) ?? fields.get(camel) ?? "";
}

function uploadBody(file: StoredFile, fileUrl: string, origin: string): Record<string, unknown> {
  return {
    success: true,
    code: 200,
    msg: "File uploaded successfully",
    data: {
      file_id: file.id,
      file_name: file.fileName,
      original_name: file.originalName,
      file_size: file.size,
      mime_type: file.mime,
      upload_path: file.uploadPath,
      file_url: fileUrl,
      download_url: `${origin}/api/v1/files/download/${file.id}`,
      upload_time: isoPlus8(file.uploadedAtMs),
      expires_at: isoPlus8(file.expiresAtMs),
    },
  };
}

/** POST /api/v1/files/upload/stream (CONTRACT.md, "File service"). */
export async function handleUpload(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  const { apiKey, fileMaxBytes, fileQuota } = ctx.options;
  const at = ctx.now();
  const fail = (error: HttpError, facts: UploadFacts = UNKNOWN): void => {
    const code = (error.body as { code: number }).code;
    ctx.log.recordUpload({ at, ...facts, status: error.status, code });
    refuse(req, res, error);
  };
  if (!isAuthorized(req, apiKey)) return fail(FILE_UNAUTHORIZED);
  if (!/^multipart\/form-data\b/i.test(req.headers["content-type"] ?? "")) {
    return fail(fileError(400, 400, "Content-Type must be multipart/form-data"));
  }
  if (Number(req.headers["content-length"] ?? 0) > fileMaxBytes + MULTIPART_SLACK)
    return fail(fileTooLarge(fileMaxBytes));
  if ((await ctx.files.used(at)) >= fileQuota) return fail(FILE_QUOTA_EXCEEDED);

  const received = await receiveUpload(req, await ctx.files.stagingPath(), fileMaxBytes);
  if (received.kind === "aborted") return;
  if (received.kind === "too-large") return fail(fileTooLarge(fileMaxBytes));
  if (received.kind === "malformed") return fail(fileError(400, 400, received.message));
  if (received.kind === "storage") return fail(FILE_STORAGE_ERROR);
  const { fields, file } = received;
  if (!file) return fail(fileError(400, 400, "Missing required file field: file"));

  const outcome = await store(ctx, at, file, fields).catch((): Outcome => ({
    error: FILE_STORAGE_ERROR,
    facts: { ...UNKNOWN, size: file.size },
  }));
  if ("error" in outcome) {
    await rm(file.stagedPath, { force: true });
    return fail(outcome.error, outcome.facts);
  }
  ctx.log.recordUpload({ at, ...outcome.facts, status: 200, code: 200 });
  const key = `${outcome.stored.uploadPath}/${outcome.stored.fileName}`;
  const origin = ctx.options.publicFilesBase || requestOrigin(req);
  sendJson(res, 200, uploadBody(outcome.stored, publicFileUrl(req, ctx.options, key), origin));
}

type Outcome = { error: HttpError; facts: UploadFacts } | { stored: StoredFile; facts: UploadFacts };

/** Types a received file by content, names it and moves it into place. */
async function store(ctx: Context, at: number, file: ReceivedFile, fields: Map<string, string>): Promise<Outcome> {
  const type = await detectType(file.stagedPath, file.size);
  if (!type) return { error: FILE_TYPE_NOT_ALLOWED, facts: { ...UNKNOWN, size: file.size } };
  const uploadPath = sanitizeUploadPath(field(fields, "upload_path", "uploadPath")) || `${type.kind}s`;
  const fileName =
    sanitizeFileName(field(fields, "file_name", "fileName")) || `${type.kind}_${randomId(8)}.${type.ext}`;
  const facts: UploadFacts = { fileName, uploadPath, size: file.size, mime: type.mime };
  const names = `${fileName} ${file.originalName}`;
  if (names.includes(STORAGE_ERROR_TAG)) return { error: FILE_STORAGE_ERROR, facts };
  // A careless file service repeating the caller's key in its refusal.
  if (names.includes(ECHO_KEY_TAG))
    return { error: fileError(400, 40002, `File type not allowed for token ${ctx.options.apiKey}`), facts };
  const stored = await ctx.files.commit(file.stagedPath, {
    fileName,
    originalName: file.originalName || fileName,
    uploadPath,
    size: file.size,
    mime: type.mime,
    uploadedAtMs: at,
  });
  return { stored, facts };
}

/** GET|HEAD /files/<upload_path>/<file_name>: the public CDN link, no auth. */
export async function handleServeFile(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
  key: string,
): Promise<void> {
  const file = ctx.files.findByKey(key, ctx.now());
  if (!file) return sendText(res, 404, "Not Found");
  await serveFile(req, res, file.diskPath, file.mime);
}

/** GET|HEAD /api/v1/files/download/<file_id>, no auth. */
export async function handleDownload(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: Context,
  id: string,
): Promise<void> {
  const file = ctx.files.findById(id, ctx.now());
  if (!file) return sendError(res, FILE_NOT_FOUND);
  await serveFile(req, res, file.diskPath, file.mime);
}

/** GET /api/v1/files/quota; remain_files is computed, as the docs' example does not add up (CONTRACT.md, "File service"). */
export async function handleQuota(req: IncomingMessage, res: ServerResponse, ctx: Context): Promise<void> {
  if (!isAuthorized(req, ctx.options.apiKey)) return sendError(res, FILE_UNAUTHORIZED);
  const used = await ctx.files.used(ctx.now());
  const max = ctx.options.fileQuota;
  sendJson(res, 200, {
    success: true,
    code: 200,
    data: {
      user_group: "default",
      used_files: used,
      max_files: max,
      remain_files: Math.max(0, max - used),
      is_custom: false,
      quota_reason: "",
    },
  });
}
