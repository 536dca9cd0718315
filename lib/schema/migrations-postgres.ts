/**
 * PostgreSQL schema versions, applied in order at start; the `schema_migrations` table records each one that ran.
 * Append new migrations; never edit one that has shipped. Version 1 is the whole schema SQLite reached in its seven
 * (migrations.ts), with PostgreSQL's own forms: times are BIGINT milliseconds, `status_group`, `prompt` and the
 * search vector are generated columns (SQLite keeps its status group with triggers and searches an FTS5 table).
 * The search vector uses the `simple` configuration (lower-cased words, no stemming), as FTS5's unicode61 does.
 */
const statusGroup = `CASE
  WHEN error_json IS NOT NULL OR archive_state = 'expired' THEN 'failed'
  WHEN upstream_status IN ('pending', 'queued', 'processing', 'running') THEN 'running'
  WHEN upstream_status = 'completed' THEN 'completed'
  ELSE 'failed' END`;

export const POSTGRES_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE submissions (
    idempotency_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'created', 'rejected', 'unknown')),
    task_id TEXT,
    error_json TEXT,
    request_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    callback_token_hash TEXT,
    group_id TEXT,
    variant_index INTEGER
  );
  CREATE UNIQUE INDEX submissions_callback_token ON submissions (callback_token_hash) WHERE callback_token_hash IS NOT NULL;
  CREATE INDEX submissions_group ON submissions (group_id) WHERE group_id IS NOT NULL;

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT,
    request_json TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    upstream_status TEXT NOT NULL,
    progress DOUBLE PRECISION NOT NULL,
    estimated_seconds DOUBLE PRECISION,
    credits_reserved DOUBLE PRECISION,
    result_url TEXT,
    error_json TEXT,
    polled_at BIGINT,
    archive_state TEXT NOT NULL DEFAULT 'none' CHECK (archive_state IN ('none', 'archived', 'failed', 'expired')),
    archive_bytes BIGINT,
    archive_error TEXT,
    archive_attempts INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    poster_state TEXT NOT NULL DEFAULT 'none' CHECK (poster_state IN ('none', 'ready', 'failed', 'unavailable')),
    poster_attempts INTEGER NOT NULL DEFAULT 0,
    elements_json TEXT,
    group_id TEXT,
    variant_index INTEGER,
    variant_count INTEGER,
    reference_state TEXT NOT NULL DEFAULT 'none' CHECK (reference_state IN ('none', 'archived', 'gone', 'failed')),
    kept_references_json TEXT,
    prompt TEXT GENERATED ALWAYS AS (request_json::jsonb ->> 'prompt') STORED,
    status_group TEXT GENERATED ALWAYS AS (${statusGroup}) STORED,
    search TSVECTOR GENERATED ALWAYS AS (to_tsvector('simple', coalesce(request_json::jsonb ->> 'prompt', ''))) STORED
  );
  CREATE INDEX tasks_order ON tasks (created_at, id);
  CREATE INDEX tasks_group_order ON tasks (status_group, created_at, id);
  CREATE INDEX tasks_starred_order ON tasks (starred, created_at, id);
  CREATE INDEX tasks_counts ON tasks (status_group, starred);
  CREATE INDEX tasks_updated ON tasks (updated_at);
  CREATE INDEX tasks_archive_state ON tasks (archive_state);
  CREATE INDEX tasks_poster_state ON tasks (poster_state);
  CREATE INDEX tasks_search ON tasks USING GIN (search);

  CREATE TABLE uploads (
    file_url TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('video', 'image')),
    original_name TEXT NOT NULL,
    expires_at TEXT,
    created_at BIGINT NOT NULL
  );

  CREATE TABLE session_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret BYTEA NOT NULL,
    password_salt BYTEA NOT NULL,
    created_at BIGINT NOT NULL
  );
  CREATE TABLE sessions (id_hash TEXT PRIMARY KEY, expires_at BIGINT NOT NULL);
  CREATE INDEX sessions_expiry ON sessions (expires_at);

  CREATE TABLE deleted_tasks (id TEXT PRIMARY KEY, deleted_at BIGINT NOT NULL);
  CREATE INDEX deleted_tasks_at ON deleted_tasks (deleted_at);

  CREATE TABLE elements (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    request_hash TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    frontal_image_url TEXT NOT NULL,
    extra_image_urls_json TEXT NOT NULL,
    thumbnail TEXT,
    state TEXT NOT NULL CHECK (state IN ('sending', 'creating', 'ready', 'failed')),
    task_id TEXT,
    upstream_status TEXT,
    progress DOUBLE PRECISION NOT NULL DEFAULT 0,
    estimated_seconds DOUBLE PRECISION,
    element_id TEXT,
    error_json TEXT,
    raw_result_json TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    polled_at BIGINT
  );
  CREATE INDEX elements_order ON elements (created_at, id);
  CREATE INDEX elements_state ON elements (state);
  `,
  // Several instances on one database (issue #15): the poll slot (next_poll_at: no instance asks the upstream about a
  // task again before it), and the lease (lease_owner, lease_until: which instance advances, that is polls and
  // archives, the task until when). The shared rate-limit budgets live in rate_limits (PostgreSQL only).
  // Its columns are rate-limiter-flexible's own (RateLimiterPostgres, made here so the studio's role needs no DDL
  // at run time).
  `
  ALTER TABLE tasks ADD COLUMN next_poll_at BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
  ALTER TABLE tasks ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
  CREATE TABLE rate_limits (key VARCHAR(255) PRIMARY KEY, points INTEGER NOT NULL DEFAULT 0, expire BIGINT);
  `,
];
