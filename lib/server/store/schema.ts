import "server-only";
import type { Generated } from "kysely";
import type { SubmissionState } from "./submissions";
import type { ArchiveState, PosterState, ReferenceState } from "./tasks";
import type { ElementState } from "./elements";

/**
 * The tables as both engines hold them (lib/schema/migrations.ts for SQLite, migrations-postgres.ts for PostgreSQL):
 * times are milliseconds since the epoch, flags 0 or 1, JSON kept as text. Columns the database computes are
 * `Generated` (never written by the studio).
 */
export interface StoreSchema {
  submissions: {
    idempotency_key: string;
    request_hash: string;
    state: SubmissionState;
    task_id: string | null;
    error_json: string | null;
    request_json: string;
    created_at: number;
    updated_at: number;
    callback_token_hash: string | null;
    group_id: string | null;
    variant_index: number | null;
  };
  tasks: {
    id: string;
    idempotency_key: string | null;
    request_json: string;
    created_at: number;
    updated_at: number;
    upstream_status: string;
    progress: number;
    estimated_seconds: number | null;
    credits_reserved: number | null;
    result_url: string | null;
    error_json: string | null;
    polled_at: number | null;
    archive_state: Generated<ArchiveState>;
    archive_bytes: number | null;
    archive_error: string | null;
    archive_attempts: Generated<number>;
    starred: Generated<number>;
    poster_state: Generated<PosterState>;
    poster_attempts: Generated<number>;
    prompt: Generated<string | null>;
    status_group: Generated<"running" | "completed" | "failed">;
    elements_json: string | null;
    group_id: string | null;
    variant_index: number | null;
    variant_count: number | null;
    reference_state: Generated<ReferenceState>;
    kept_references_json: string | null;
    /** The poll slot: no instance asks the upstream about the task before this time (leases.ts). */
    next_poll_at: Generated<number>;
    /** The lease: which instance advances the task (polls it, archives it), and until when. */
    lease_owner: Generated<string | null>;
    lease_until: Generated<number>;
  };
  uploads: {
    file_url: string;
    kind: "video" | "image";
    original_name: string;
    expires_at: string | null;
    created_at: number;
  };
  session_keys: { id: number; secret: Buffer; password_salt: Buffer; created_at: number };
  sessions: { id_hash: string; expires_at: number };
  deleted_tasks: { id: string; deleted_at: number };
  /** SQLite only: the FTS5 index over tasks.prompt (PostgreSQL searches tasks.search, a tsvector column). */
  tasks_fts: { rowid: number; prompt: string | null };
  elements: {
    id: string;
    idempotency_key: string;
    request_hash: string;
    name: string;
    description: string;
    frontal_image_url: string;
    extra_image_urls_json: string;
    thumbnail: string | null;
    state: ElementState;
    task_id: string | null;
    upstream_status: string | null;
    progress: Generated<number>;
    estimated_seconds: number | null;
    element_id: string | null;
    error_json: string | null;
    raw_result_json: string | null;
    created_at: number;
    updated_at: number;
    polled_at: number | null;
  };
}
