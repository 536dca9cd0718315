import "server-only";

/**
 * Schema versions, applied in order at start; `PRAGMA user_version` records how many ran.
 * Append new migrations; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE submissions (
    idempotency_key TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'created', 'rejected', 'unknown')),
    task_id TEXT,
    error_json TEXT,
    request_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    idempotency_key TEXT,
    request_json TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    upstream_status TEXT NOT NULL,
    progress INTEGER NOT NULL,
    estimated_seconds REAL,
    credits_reserved REAL,
    result_url TEXT,
    error_json TEXT,
    polled_at INTEGER,
    archive_state TEXT NOT NULL DEFAULT 'none'
      CHECK (archive_state IN ('none', 'archived', 'failed', 'expired')),
    archive_bytes INTEGER,
    archive_error TEXT,
    archive_attempts INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX tasks_created ON tasks (created_at DESC);
  CREATE TABLE uploads (
    file_url TEXT PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('video', 'image')),
    original_name TEXT NOT NULL,
    expires_at TEXT,
    created_at INTEGER NOT NULL
  );
  `,
  // Callbacks: the SHA-256 of each submission's callback token (the token itself is never stored).
  `
  ALTER TABLE submissions ADD COLUMN callback_token_hash TEXT;
  CREATE UNIQUE INDEX submissions_callback_token ON submissions (callback_token_hash) WHERE callback_token_hash IS NOT NULL;
  `,
  // Sessions: one row of random key material made at first use (the signing secret when SESSION_SECRET is
  // unset, and the salt of the password verifier), and one row per signed-in browser, keyed by the
  // SHA-256 of its session id, so signing out revokes it.
  `
  CREATE TABLE session_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL,
    password_salt BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_expiry ON sessions (expires_at);
  `,
];
