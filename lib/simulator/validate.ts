import { hostKind } from "../net/host-kind";
import { ASPECT_RATIOS, LIMITS, MODEL, QUALITIES, type AspectRatio, type Quality } from "../evolink/contract";
import { badRequest, type HttpError } from "./errors";

// The simulator is written from the same contract the studio's client is (lib/evolink/CONTRACT.md).
export const PROMPT_MAX_CHARS = LIMITS.promptMaxChars;
export const MAX_REFERENCES = LIMITS.maxReferenceImages;
/** multi-shot fields were removed from this model's docs on 2026-03-11; we reject rather than ignore. */
const REMOVED_MODEL_PARAMS = ["multi_shot", "multi_prompt", "shot_type"] as const;

export type { AspectRatio, Quality };

/** The subset of a valid create body that drives the simulated task. */
export interface CreateRequest {
  prompt: string;
  duration: number;
  aspectRatio: AspectRatio;
  quality: Quality;
  videoUrl: string;
  imageUrls: string[];
  /** model_params.element_list's ids, in order. */
  elementIds: string[];
  callbackUrl: string | null;
}

export type ValidationResult = { ok: true; value: CreateRequest } | { ok: false; error: HttpError };

/** Thrown inside the validator to short-circuit on the first problem. */
class Invalid extends Error {
  constructor(readonly error: HttpError) {
    super("invalid create body");
  }
}

function invalid(param: string, message: string): never {
  throw new Invalid(badRequest("invalid_parameter", message, param));
}

function missing(param: string, message: string): never {
  throw new Invalid(badRequest("missing_required_params", message, param));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** JSON null counts as "not sent" for optional fields, as most JSON APIs treat it. */
function optional(body: Record<string, unknown>, key: string): unknown {
  const value = body[key];
  return value === null ? undefined : value;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function oneOf<T extends string>(param: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  return invalid(param, `${param} must be one of ${allowed.join(", ")}`);
}

function checkPrompt(value: unknown): string {
  if (value === undefined || value === null) missing("prompt", "prompt is required");
  if (typeof value !== "string") invalid("prompt", "prompt must be a string");
  if (value.trim() === "") missing("prompt", "prompt must not be empty");
  const length = Array.from(value).length;
  if (length > PROMPT_MAX_CHARS) {
    invalid("prompt", `prompt must be at most ${PROMPT_MAX_CHARS} characters (got ${length})`);
  }
  return value;
}

function checkDuration(value: unknown): number {
  if (value === undefined) return 5;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 3 || value > 10) {
    invalid("duration", "duration must be an integer between 3 and 10 seconds");
  }
  return value;
}

function checkImageUrls(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid("image_urls", "image_urls must be an array of http(s) URLs");
  return value.map((url: unknown, i) =>
    isHttpUrl(url) ? url : invalid("image_urls", `image_urls[${i}] must be an http(s) URL`),
  );
}

/** Returns the element ids, which count toward the reference limit. */
function checkModelParams(value: unknown): string[] {
  if (value === undefined) return [];
  if (!isRecord(value)) invalid("model_params", "model_params must be an object");
  for (const key of REMOVED_MODEL_PARAMS) {
    if (key in value) invalid(`model_params.${key}`, `model_params.${key} is not supported by ${MODEL}`);
  }
  const watermark = optional(value, "watermark_info");
  if (watermark !== undefined && !(isRecord(watermark) && typeof watermark.enabled === "boolean")) {
    invalid("model_params.watermark_info", "model_params.watermark_info must be an object {enabled: boolean}");
  }
  const elements = optional(value, "element_list");
  if (elements === undefined) return [];
  if (!Array.isArray(elements)) invalid("model_params.element_list", "model_params.element_list must be an array");
  return elements.map((element: unknown, i) => {
    const id = isRecord(element) ? element.element_id : undefined;
    if (typeof id !== "string" || id.trim() === "") {
      invalid("model_params.element_list", `model_params.element_list[${i}].element_id must be a non-empty string`);
    }
    return id as string;
  });
}

/**
 * Loopback, private, link-local and other non-public targets (CONTRACT.md, "Callbacks" lists 127.0.0.1, 10.x,
 * 172.16–31.x, 192.168.x "etc."; localhost and the other special ranges are our reading of "etc.").
 * Only literal addresses and localhost names are checked: the simulator does not resolve DNS.
 */
function isPrivateHost(hostname: string): boolean {
  const kind = hostKind(hostname);
  return kind !== "public" && kind !== "local-name";
}

/**
 * The docs give the rules but not the refusal's body; this 400 `invalid_parameter` naming the param is
 * inferred from the envelope the other parameter errors use (CONTRACT.md, "Unknowns").
 */
function checkCallbackUrl(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value !== "string") invalid("callback_url", "callback_url must be a string");
  if (value.length > 2048) invalid("callback_url", "callback_url must be at most 2048 characters");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid("callback_url", "callback_url must be a valid URL");
  }
  if (url.protocol !== "https:") invalid("callback_url", "callback_url must use HTTPS");
  if (isPrivateHost(url.hostname)) {
    invalid("callback_url", "callback_url must not point to a local, private or link-local address");
  }
  return value;
}

function check(body: unknown): CreateRequest {
  if (!isRecord(body)) throw new Invalid(badRequest("invalid_request", "Request body must be a JSON object"));
  const model = optional(body, "model");
  if (model === undefined) missing("model", "model is required");
  if (model !== MODEL) invalid("model", `model must be '${MODEL}'`);
  const prompt = checkPrompt(body.prompt);
  const videoUrl = optional(body, "video_url");
  // CONTRACT.md, "The create request": the schema does not list video_url as required, but this model needs one reference video.
  if (videoUrl === undefined) missing("video_url", `video_url is required for ${MODEL}`);
  if (!isHttpUrl(videoUrl)) invalid("video_url", "video_url must be an http(s) URL");
  const duration = checkDuration(optional(body, "duration"));
  const aspectRatio = oneOf("aspect_ratio", optional(body, "aspect_ratio"), ASPECT_RATIOS, "16:9");
  const quality = oneOf("quality", optional(body, "quality"), QUALITIES, "720p");
  const keepSound = optional(body, "keep_original_sound");
  if (keepSound !== undefined && typeof keepSound !== "boolean") {
    invalid("keep_original_sound", "keep_original_sound must be a boolean");
  }
  const imageUrls = checkImageUrls(optional(body, "image_urls"));
  const elementIds = checkModelParams(optional(body, "model_params"));
  const references = imageUrls.length + elementIds.length;
  if (references > MAX_REFERENCES) {
    invalid(
      "image_urls",
      `image_urls and model_params.element_list together allow at most ${MAX_REFERENCES} references (got ${references})`,
    );
  }
  const callbackUrl = checkCallbackUrl(optional(body, "callback_url"));
  return { prompt, duration, aspectRatio, quality, videoUrl, imageUrls, elementIds, callbackUrl };
}

/** Validates a parsed create body (CONTRACT.md, "The create request" and "Callbacks"); unknown top-level fields are ignored. */
export function validateCreateBody(body: unknown): ValidationResult {
  try {
    return { ok: true, value: check(body) };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.error };
    throw err;
  }
}
