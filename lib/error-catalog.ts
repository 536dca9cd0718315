/**
 * The error catalog: every error a person can see, keyed by code. Upstream codes (CONTRACT.md, "Errors"
 * and "File service") and the studio's own codes live here once; routes and the UI only look them up.
 * `status` is the HTTP status the studio's own API answers with when this error is the response.
 * The lookups (upstream code → catalog code, the body the API sends) are in errors.ts.
 */

export interface CatalogEntry {
  title: string;
  action: string;
  retryable: boolean;
  status: number;
}

const entry = (title: string, action: string, retryable: boolean, status: number): CatalogEntry => ({
  title,
  action,
  retryable,
  status,
});

const CHECK_INPUT = "Check the prompt and references, change what the message points at, then generate again.";
const RETRY_LATER = "This is on Evolink's side. Wait a minute and try again.";

export const ERROR_CATALOG = {
  // Access and request hygiene.
  sign_in_required: entry(
    "Sign in to use this studio.",
    "Open the studio's page and sign in with the password.",
    false,
    401,
  ),
  wrong_password: entry("That password is not right.", "Check it and try again.", false, 401),
  cross_origin_refused: entry("Requests from other sites are refused.", "Use the studio's own page.", false, 403),
  too_many_requests: entry(
    "Too many requests from this browser.",
    "Wait the number of seconds shown, then try again.",
    true,
    429,
  ),

  // Studio-side request problems.
  validation_failed: entry("Some fields need attention.", "Fix the highlighted fields and try again.", false, 400),
  invalid_json: entry("The request body is not valid JSON.", "Send a JSON object.", false, 400),
  unsupported_media_type: entry("The request must be JSON.", "Send Content-Type: application/json.", false, 415),
  payload_too_large: entry("The request is too large.", "Shorten the prompt or send fewer references.", false, 413),
  invalid_task_id: entry(
    "That is not a valid task id.",
    "Task ids look like task-unified-<digits>-<8 letters>.",
    false,
    400,
  ),
  not_found: entry("Nothing here.", "Check the address.", false, 404),
  task_not_found: entry("This task is unknown.", "It may have expired upstream; start a new generation.", false, 404),
  idempotency_conflict: entry(
    "This submission key was already used for a different request.",
    "Press Generate again: the studio will send it as a new request.",
    false,
    409,
  ),
  submission_in_progress: entry(
    "This request is still being submitted.",
    "Wait a moment; it shows up in the history.",
    true,
    409,
  ),
  task_still_running: entry("This generation is still running.", "Wait until it finishes, then delete it.", false, 409),
  result_not_ready: entry("The video is not ready yet.", "Wait until the task completes.", true, 409),
  reference_not_kept: entry(
    "This studio has no copy of the reference video for this entry.",
    "Compare the results alone; a new generation keeps its reference with its result.",
    false,
    404,
  ),
  unknown_callback: entry(
    "This callback link belongs to no task of this studio.",
    "Nothing was changed. Each task gets its own link when it is created; only Evolink should call it.",
    false,
    404,
  ),
  // POST /api/cron/advance (a platform scheduler): its bearer token is CRON_SECRET.
  cron_secret_wrong: entry(
    "This scheduler call's secret is not right.",
    "Nothing was run. Send Authorization: Bearer followed by the studio's CRON_SECRET exactly.",
    false,
    401,
  ),
  callback_task_mismatch: entry(
    "This callback names a different task than the one its link was made for.",
    "Nothing was changed. Send each task's callback to that task's own link.",
    false,
    422,
  ),
  result_expired: entry(
    "The result link has expired upstream (Evolink keeps videos for 24 hours).",
    "Generate the video again to get a new copy.",
    false,
    410,
  ),

  // Upstream account and access problems: the operator has to act, retrying does not help.
  unauthorized: entry(
    "The server's Evolink API key was rejected.",
    "The operator must set a valid EVOLINK_API_KEY (from the Evolink dashboard) and restart the studio.",
    false,
    502,
  ),
  insufficient_quota: entry(
    "The Evolink account has run out of credits.",
    "Top up the Evolink account, then generate again.",
    false,
    402,
  ),
  quota_exceeded: entry(
    "The Evolink account's quota is used up.",
    "Top up or wait for the quota to reset, then try again.",
    true,
    402,
  ),
  model_access_denied: entry(
    "The API key has no access to kling-o3-reference-to-video.",
    "Enable the model for this key in the Evolink dashboard.",
    false,
    403,
  ),
  permission_denied: entry(
    "This task belongs to another Evolink account.",
    "Only tasks made with this key can be read.",
    false,
    403,
  ),

  // Upstream capacity: retry later.
  rate_limit_exceeded: entry(
    "Evolink is rate-limiting requests.",
    "Slow down: wait 30–60 seconds, then try again.",
    true,
    429,
  ),
  rate_limited: entry(
    "Evolink is rate-limiting requests.",
    "Slow down: wait 30–60 seconds, then try again.",
    true,
    429,
  ),
  internal_error: entry("Evolink had an internal error.", RETRY_LATER, true, 503),
  upstream_error: entry("Evolink's AI service is unavailable right now.", RETRY_LATER, true, 503),
  service_unavailable: entry("Evolink has no capacity for this model right now.", "Retry in 1–2 minutes.", true, 503),
  model_unavailable: entry("The model is unavailable right now.", "Retry in a few minutes.", true, 503),
  upstream_unreachable: entry(
    "Evolink could not be reached.",
    "Check the server's network, then try again.",
    true,
    503,
  ),
  upstream_timeout: entry("Evolink did not answer in time.", RETRY_LATER, true, 504),
  upstream_malformed: entry("Evolink sent a response the studio could not read.", RETRY_LATER, true, 502),
  create_outcome_unknown: entry(
    "Evolink did not confirm whether the task was created, so the studio did not resubmit it (that could charge twice).",
    "It stays in the history as “Outcome unknown”; check your Evolink dashboard in a minute before generating it again.",
    false,
    504,
  ),

  // Upstream rejected the request body.
  invalid_request: entry("Evolink rejected the request.", CHECK_INPUT, false, 400),
  invalid_parameter: entry("Evolink rejected a parameter.", CHECK_INPUT, false, 400),
  missing_required_params: entry("Evolink says a required field is missing.", CHECK_INPUT, false, 400),
  missing_text: entry("Evolink says the prompt is missing.", "Write a prompt and try again.", false, 400),
  request_too_large: entry(
    "Evolink says the request is too large.",
    "Shorten the prompt or send fewer references.",
    false,
    413,
  ),

  // Reference uploads: the studio's own checks, then the file service's codes (CONTRACT.md, "File service").
  upload_too_large: entry(
    "The file is larger than the upload limit.",
    "Use a smaller file, or give a larger video as a public https URL.",
    false,
    413,
  ),
  unsupported_file_type: entry(
    "This file type is not accepted.",
    "Use an MP4 or MOV video, or a JPG, PNG, WebP or GIF image.",
    false,
    415,
  ),
  media_rule_violation: entry(
    "The file does not meet the model's requirements.",
    "Fix what the message says (re-export or pick another file) and upload again.",
    false,
    422,
  ),
  upload_invalid: entry("The upload was not a single file.", "Choose one file and upload again.", false, 400),
  upload_interrupted: entry("The upload was interrupted.", "Upload the file again.", true, 400),
  file_too_large: entry(
    "Evolink's file service refused the file as too large (its cap is 100 MB).",
    "Use a smaller file, or give the video as a public https URL.",
    false,
    413,
  ),
  file_type_not_allowed: entry(
    "Evolink's file service does not accept this file type.",
    "Give the video as a public https URL instead.",
    false,
    415,
  ),
  file_quota_exceeded: entry(
    "The Evolink account's file storage quota is used up.",
    "Delete old uploads in the Evolink dashboard or wait for them to expire (72 h).",
    false,
    507,
  ),
  file_download_failed: entry(
    "Evolink could not download the file.",
    "Check that the URL is public and downloads directly.",
    false,
    422,
  ),
  storage_error: entry("Evolink's file storage failed.", RETRY_LATER, true, 503),
  upload_stalled: entry(
    "The upload stopped sending data, so the studio dropped it.",
    "Check the connection and upload the file again.",
    true,
    408,
  ),
  too_many_uploads: entry(
    "This browser already has as many uploads running as the studio allows.",
    "Wait for one to finish, then upload again.",
    true,
    429,
  ),
  uploads_busy: entry(
    "The studio is receiving as many uploads as it can right now.",
    "Wait the number of seconds shown, then upload again.",
    true,
    503,
  ),
  storage_unavailable: entry(
    "The studio's object storage could not be used right now, so nothing was uploaded.",
    "Try again in a minute; if it keeps failing, the operator must check STORAGE_URL and the AWS_* variables.",
    true,
    503,
  ),
  upload_not_issued: entry(
    "This upload was not started by this studio, or its link has expired.",
    "Choose the file again to upload it.",
    false,
    400,
  ),

  // Task-level failures (status = failed); failed tasks are not charged.
  content_policy_violation: entry(
    "The request was blocked by Evolink's safety filters.",
    "Rephrase the prompt and avoid real people, celebrities or explicit content in the prompt and references.",
    false,
    422,
  ),
  invalid_parameters: entry("Evolink rejected the task's parameters.", CHECK_INPUT, false, 422),
  image_processing_error: entry(
    "Evolink could not process a reference image.",
    "Make sure each image URL downloads directly and is a JPG, PNG, WebP or GIF.",
    false,
    422,
  ),
  image_dimension_mismatch: entry(
    "A reference image has unsupported dimensions.",
    "Use images at least 300 px per side, aspect 1:2.5 to 2.5:1.",
    false,
    422,
  ),
  video_probe_failed: entry(
    "Evolink could not read the reference video.",
    "Make sure the video URL downloads directly and is an MP4 or MOV of at least 3 seconds.",
    false,
    422,
  ),
  request_cancelled: entry("The task was cancelled.", "Generate again if you still want this video.", false, 422),
  task_cancelled: entry(
    "The task was cancelled or expired upstream.",
    "Generate again if you still want this video.",
    false,
    422,
  ),
  generation_failed_no_content: entry(
    "The model produced no video.",
    "Try again, perhaps with a clearer prompt.",
    true,
    422,
  ),
  service_error: entry("Evolink's generation service failed.", "Retry in 30–60 seconds.", true, 422),
  generation_timeout: entry("The generation timed out upstream.", "Try again in a few minutes.", true, 422),
  resource_exhausted: entry("Evolink is out of capacity.", "Retry in 1–5 minutes.", true, 422),
  resource_not_found: entry(
    "Evolink no longer knows this task (invalid or expired).",
    "Start a new generation.",
    false,
    404,
  ),
  unknown_status: entry(
    "Evolink reported a status the studio does not know.",
    "Treat the task as failed; generate again if needed.",
    false,
    422,
  ),
  unknown_error: entry(
    "Evolink reported an unknown error.",
    "Try again; if it keeps failing, change the prompt or references.",
    true,
    422,
  ),

  // The HTTP edge: a Host this studio does not answer to (DNS rebinding, or a name the operator has not listed).
  host_not_allowed: entry(
    "This studio does not answer to this host name.",
    "Open it at http://localhost with the studio's port, or have the operator add the name to ALLOWED_HOSTS.",
    false,
    421,
  ),
  // The isolated check of an uploaded video (lib/server/media/isolated-probe.ts).
  media_probe_failed: entry(
    "The studio could not finish checking this video: it needed too much time or memory.",
    "Export it again with a standard encoder (for example H.264 in MP4) and upload it again.",
    false,
    422,
  ),
  media_probe_busy: entry(
    "The studio is busy checking other videos.",
    "Wait a few seconds, then upload again.",
    true,
    503,
  ),
  // The store (PostgreSQL with DATABASE_URL) cannot be reached: nothing was changed, so trying again is safe.
  database_unavailable: entry(
    "The studio's database cannot be reached right now.",
    "Wait a minute and try again; nothing was saved half-way. If it keeps happening, tell the studio's operator.",
    true,
    503,
  ),
  // The history list and its bulk actions (GET /api/tasks, zip, posters).
  invalid_cursor: entry(
    "This place in the history list is no longer valid.",
    "Reload the history; it starts again from the top.",
    false,
    400,
  ),
  invalid_history_query: entry(
    "The history was asked for in a way the studio does not accept.",
    "Use the history's own search, filters and sort; reload the page if it keeps happening.",
    false,
    400,
  ),
  search_too_long: entry("The search is too long.", "Search with at most 500 characters.", false, 400),
  zip_too_many: entry(
    "That is more videos than one ZIP can hold.",
    "Select at most 500 entries and download them in parts.",
    false,
    400,
  ),
  zip_empty: entry("There is no video to put in a ZIP.", "Select at least one finished entry.", false, 400),
  poster_not_found: entry(
    "This entry has no poster image yet.",
    "The card shows a placeholder until one is made; the video still plays.",
    false,
    404,
  ),
  // Elements (CONTRACT.md, "Elements").
  element_not_found: entry(
    "This element is not in the studio's library.",
    "It may have been deleted here; reload the Elements list.",
    false,
    404,
  ),
  element_unknown: entry(
    "A chosen element is not in the studio's library.",
    "It was deleted since; remove it from the generation or create it again.",
    false,
    422,
  ),
  element_not_ready: entry(
    "A chosen element is still being created.",
    "Wait until it shows Ready in the Elements list, then generate.",
    true,
    409,
  ),
  element_failed: entry(
    "A chosen element failed to be created, so it cannot be used.",
    "Remove it from the generation, or create the element again.",
    false,
    422,
  ),
  element_id_missing: entry(
    "Evolink finished the element but sent no element_id the studio could read.",
    "Create the element again. The studio kept Evolink's answer, so this one can be read again once its shape is known.",
    false,
    502,
  ),
} satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
