/**
 * Schema versions, applied in order at start; `PRAGMA user_version` records how many ran.
 * Append new migrations; never edit one that has shipped. Plain SQL with no imports, kept outside lib/server/ so
 * the test seeding helper (tests/helpers/seed-history.ts), which runs in plain Node, builds the same schema.
 */
// Frozen with migration 4: a later change to the live statuses needs a new migration, not an edit here.
const statusGroup = (row: string) => `CASE
  WHEN ${row}error_json IS NOT NULL OR ${row}archive_state = 'expired' THEN 'failed'
  WHEN ${row}upstream_status IN ('pending', 'queued', 'processing', 'running') THEN 'running'
  WHEN ${row}upstream_status = 'completed' THEN 'completed'
  ELSE 'failed' END`;

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
  // History at scale (issue #14): stars, posters, a full-text index over prompts, tombstones so a refresh learns of
  // deletions, and indexes that keep every page proportional to its size. `status_group` is a stored copy of the
  // phase's filter bucket (kept by triggers; the CASE mirrors toTaskView: an error or an expired result is a failure,
  // the live statuses of CONTRACT.md "Task statuses" are running, anything else not completed is a failure) so the
  // counts read one covering index. The prompt is a generated column over request_json; the FTS table indexes it
  // by rowid (the studio never VACUUMs; after a manual VACUUM, run INSERT INTO tasks_fts(tasks_fts) VALUES('rebuild')).
  `
  ALTER TABLE tasks ADD COLUMN starred INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN poster_state TEXT NOT NULL DEFAULT 'none'
    CHECK (poster_state IN ('none', 'ready', 'failed', 'unavailable'));
  ALTER TABLE tasks ADD COLUMN poster_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN prompt TEXT GENERATED ALWAYS AS (json_extract(request_json, '$.prompt')) VIRTUAL;
  ALTER TABLE tasks ADD COLUMN status_group TEXT NOT NULL DEFAULT 'running';
  ${["AFTER INSERT ON tasks", "AFTER UPDATE OF upstream_status, error_json, archive_state ON tasks"]
    .map(
      (event, index) => `CREATE TRIGGER tasks_status_group_${index} ${event} BEGIN
         UPDATE tasks SET status_group = ${statusGroup("new.")} WHERE rowid = new.rowid;
       END;`,
    )
    .join("\n")}
  UPDATE tasks SET status_group = ${statusGroup("")};

  CREATE VIRTUAL TABLE tasks_fts USING fts5(prompt, content = 'tasks', content_rowid = 'rowid');
  CREATE TRIGGER tasks_fts_insert AFTER INSERT ON tasks BEGIN
    INSERT INTO tasks_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
  END;
  CREATE TRIGGER tasks_fts_delete AFTER DELETE ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
  END;
  CREATE TRIGGER tasks_fts_update AFTER UPDATE OF request_json ON tasks BEGIN
    INSERT INTO tasks_fts (tasks_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO tasks_fts (rowid, prompt) VALUES (new.rowid, new.prompt);
  END;
  INSERT INTO tasks_fts (tasks_fts) VALUES ('rebuild');

  CREATE TABLE deleted_tasks (id TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL);
  CREATE INDEX deleted_tasks_at ON deleted_tasks (deleted_at);

  DROP INDEX tasks_created;
  CREATE INDEX tasks_order ON tasks (created_at, id);
  CREATE INDEX tasks_group_order ON tasks (status_group, created_at, id);
  CREATE INDEX tasks_starred_order ON tasks (starred, created_at, id);
  CREATE INDEX tasks_counts ON tasks (status_group, starred);
  CREATE INDEX tasks_updated ON tasks (updated_at);
  CREATE INDEX tasks_archive_state ON tasks (archive_state);
  CREATE INDEX tasks_poster_state ON tasks (poster_state);
  `,
  // Elements (issue #17): the library of saved subjects. Each row is also its own idempotency record (the key is
  // claimed before the paid create, as submissions are); `raw_result_json` keeps the finished creation task as
  // the upstream sent it, so a later change in where it puts element_id can be re-read without paying again.
  // `thumbnail` is a small JPEG data URL the browser made from an uploaded frontal image (the page may load
  // images only from itself, and the server never fetches a URL a person gave).
  // Tasks keep the elements they used (local id, name then, element_id) for their cards and remixes.
  `
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
    progress INTEGER NOT NULL DEFAULT 0,
    estimated_seconds REAL,
    element_id TEXT,
    error_json TEXT,
    raw_result_json TEXT,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    polled_at INTEGER
  );
  CREATE INDEX elements_order ON elements (created_at, id);
  CREATE INDEX elements_state ON elements (state);
  ALTER TABLE tasks ADD COLUMN elements_json TEXT;
  `,
  // Variants (issue #18): the takes of one Generate share a group id (a hash of its submit key), each with its
  // index and the group's size; a take refused upstream keeps its slot in its submission row, so the group can say
  // which take failed without a task row. The reference video is archived beside the result (reference_state).
  `
  ALTER TABLE tasks ADD COLUMN group_id TEXT;
  ALTER TABLE tasks ADD COLUMN variant_index INTEGER;
  ALTER TABLE tasks ADD COLUMN variant_count INTEGER;
  ALTER TABLE tasks ADD COLUMN reference_state TEXT NOT NULL DEFAULT 'none'
    CHECK (reference_state IN ('none', 'archived', 'gone', 'failed'));
  ALTER TABLE submissions ADD COLUMN group_id TEXT;
  ALTER TABLE submissions ADD COLUMN variant_index INTEGER;
  CREATE INDEX submissions_group ON submissions (group_id) WHERE group_id IS NOT NULL;
  `,
  // References kept by the studio (issue #19): each reference image copied beside the result like the video, and
  // a thumbnail of each, as JSON ({ videoThumbnail, images: [{ state, thumbnail }] }); null until they are kept.
  `
  ALTER TABLE tasks ADD COLUMN kept_references_json TEXT;
  `,
  // Several instances on one database (issue #15): the poll slot (next_poll_at: no instance asks the upstream about a
  // task again before it), and the lease (lease_owner, lease_until: which instance advances, that is polls and
  // archives, the task until when). The shared rate-limit budgets live in rate_limits (PostgreSQL only).
  `
  ALTER TABLE tasks ADD COLUMN next_poll_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE tasks ADD COLUMN lease_owner TEXT;
  ALTER TABLE tasks ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0;
  `,
];
