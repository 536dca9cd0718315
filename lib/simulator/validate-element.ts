import { ELEMENT_LIMITS } from "../evolink/element-contract";
import { badRequest, type HttpError } from "./errors";

// A kling-custom-element create (CONTRACT.md, "Elements"), checked in the style of the video model's
// parameter errors: 400, `missing_required_params` or `invalid_parameter`, naming the param.

export interface ElementCreateRequest {
  name: string;
  description: string;
  /** Frontal image first, then the extra angles; each with the param a problem with it is reported under. */
  images: Array<{ url: string; name: string; param: string }>;
}

export type ElementValidation = { ok: true; value: ElementCreateRequest } | { ok: false; error: HttpError };

class Invalid extends Error {
  constructor(readonly error: HttpError) {
    super("invalid element body");
  }
}

const invalid = (param: string, message: string): never => {
  throw new Invalid(badRequest("invalid_parameter", message, param));
};
const missing = (param: string): never => {
  throw new Invalid(badRequest("missing_required_params", `${param} is required`, param));
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== "string") return false;
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

function text(params: Record<string, unknown>, key: string, max: number): string {
  const param = `model_params.${key}`;
  const value = params[key];
  if (value === undefined || value === null || value === "") missing(param);
  if (typeof value !== "string") return invalid(param, `${param} must be a string`);
  const length = Array.from(value).length;
  if (length > max) invalid(param, `${param} must be at most ${max} characters (got ${length})`);
  return value;
}

function imageUrl(value: unknown, param: string): string {
  if (value === undefined || value === null || value === "") missing(param);
  return isHttpUrl(value) ? value : invalid(param, `${param} must be an http(s) URL`);
}

function images(params: Record<string, unknown>): ElementCreateRequest["images"] {
  const list = params.element_image_list;
  const base = "model_params.element_image_list";
  if (list === undefined || list === null) missing(base);
  if (!isRecord(list)) return invalid(base, `${base} must be an object`);
  const frontal = imageUrl(list.frontal_image, `${base}.frontal_image`);
  const refer = list.refer_images;
  const referParam = `${base}.refer_images`;
  if (refer === undefined || refer === null) missing(referParam);
  if (!Array.isArray(refer)) return invalid(referParam, `${referParam} must be an array`);
  const { minExtraAngles: min, maxExtraAngles: max } = ELEMENT_LIMITS;
  if (refer.length < min || refer.length > max) {
    invalid(referParam, `${referParam} must contain ${min} to ${max} images (got ${refer.length})`);
  }
  const extra = refer.map((item: unknown, i) => {
    const name = `${referParam}[${i}].image_url`;
    return { url: imageUrl(isRecord(item) ? item.image_url : undefined, name), name, param: referParam };
  });
  return [{ url: frontal, name: `${base}.frontal_image`, param: `${base}.frontal_image` }, ...extra];
}

function check(body: Record<string, unknown>): ElementCreateRequest {
  const params = body.model_params;
  if (params === undefined || params === null) missing("model_params");
  if (!isRecord(params)) return invalid("model_params", "model_params must be an object");
  const name = text(params, "element_name", ELEMENT_LIMITS.nameMaxChars);
  const description = text(params, "element_description", ELEMENT_LIMITS.descriptionMaxChars);
  const type = params.reference_type;
  if (type === undefined || type === null) missing("model_params.reference_type");
  if (type === "video_refer") {
    // Documented, but its elements do not work with reference-to-video; the simulator does not make them.
    invalid("model_params.reference_type", "reference_type video_refer is not simulated; use image_refer");
  }
  if (type !== "image_refer")
    invalid("model_params.reference_type", "reference_type must be one of image_refer, video_refer");
  if (params.element_voice_id !== undefined) {
    invalid("model_params.element_voice_id", "element_voice_id is only allowed with reference_type video_refer");
  }
  return { name, description, images: images(params) };
}

/** Validates a parsed kling-custom-element create body (its `model` has already been read). */
export function validateElementBody(body: Record<string, unknown>): ElementValidation {
  try {
    return { ok: true, value: check(body) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, error: error.error };
    throw error;
  }
}
