import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { seedHistory, seededTaskId, type SeedStatus } from "./seed-history";

/** A SQLite history with a row in every table of the store and kept files of every kind, for store:migrate. */
export interface MigrationHistory {
  dataDir: string;
  archiveDir: string;
  ids: string[];
  /** The archive folder's files (results, posters, kept references and their thumbnails). */
  files: number;
  starred: number;
}

const statusOf = (i: number): SeedStatus => (i % 10 === 3 ? "failed" : i % 10 === 7 ? "running" : "completed");

/**
 * `count` tasks (a tenth failed, a tenth running, every seventh starred), their archived results and posters,
 * and rows in submissions, uploads, elements, sessions, session_keys and deleted_tasks. The archived files are
 * small stand-ins (hard links to a few bytes each, as seedHistory's clip would be), so copying them is quick.
 */
export function seedMigrationHistory(count: number): MigrationHistory {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "studio-migrate-"));
  // seedHistory links every archived file to these when they exist: a tiny MP4 box and a JPEG's first bytes.
  mkdirSync(path.join(dataDir, ".seed"));
  const box = Buffer.concat([Buffer.from([0, 0, 0, 16]), Buffer.from("ftypisom"), Buffer.alloc(4)]);
  writeFileSync(path.join(dataDir, ".seed", "clip.mp4"), box);
  writeFileSync(path.join(dataDir, ".seed", "poster.jpg"), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]));
  const { ids, dbFile, archiveDir } = seedHistory({ dataDir, count, withPosters: true, statusOf });
  const db = new Database(dbFile);
  try {
    db.exec("UPDATE tasks SET starred = 1 WHERE rowid % 7 = 0");
    const starred = (db.prepare("SELECT count(*) AS n FROM tasks WHERE starred = 1").get() as { n: number }).n;
    keepReferences(db, archiveDir, ids.slice(0, 3));
    otherTables(db, ids);
    const completed = ids.filter((_, i) => statusOf(i) === "completed").length;
    return { dataDir, archiveDir, ids, files: completed * 2 + 3 * 3, starred };
  } finally {
    db.close();
  }
}

/** Kept references beside three results: the video, one image (no extension, as the studio names it), its thumbnail. */
function keepReferences(db: Database.Database, archiveDir: string, ids: string[]): void {
  for (const id of ids) {
    writeFileSync(path.join(archiveDir, `${id}.reference.mp4`), Buffer.alloc(3000, 1));
    writeFileSync(path.join(archiveDir, `${id}.reference-image-1`), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]));
    writeFileSync(path.join(archiveDir, `${id}.reference-image-1.thumb.jpg`), Buffer.from([0xff, 0xd8, 0xff, 9]));
    db.prepare("UPDATE tasks SET reference_state = 'archived', kept_references_json = ? WHERE id = ?").run(
      JSON.stringify({ videoThumbnail: false, images: [{ state: "archived", thumbnail: true }] }),
      id,
    );
  }
  // A staging file a crash left behind is not part of the archive.
  writeFileSync(path.join(archiveDir, `${ids[0]}.mp4.part`), "partial");
}

function otherTables(db: Database.Database, ids: string[]): void {
  const now = 1_750_000_000_000;
  const submission = db.prepare(
    `INSERT INTO submissions (idempotency_key, request_hash, state, task_id, request_json, created_at, updated_at,
       callback_token_hash) VALUES (?, ?, 'created', ?, '{}', ?, ?, ?)`,
  );
  ids.slice(0, 40).forEach((id, i) => submission.run(`key-${i}`, `hash-${i}`, id, now + i, now + i, `token-${i}`));
  const upload = db.prepare(
    "INSERT INTO uploads (file_url, kind, original_name, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  for (let i = 0; i < 12; i++)
    upload.run(`https://files.example.com/u${i}`, i % 2 ? "image" : "video", `clip ${i}.mp4`, null, now + i);
  const element = db.prepare(
    `INSERT INTO elements (id, idempotency_key, request_hash, name, description, frontal_image_url,
       extra_image_urls_json, state, element_id, created_at, updated_at) VALUES (?, ?, ?, ?, '', ?, '[]', 'ready', ?, ?, ?)`,
  );
  for (let i = 0; i < 5; i++)
    element.run(
      `el-${i}`,
      `el-key-${i}`,
      `el-hash-${i}`,
      `Subject ${i}`,
      "https://e/f.png",
      `up-${i}`,
      now + i,
      now + i,
    );
  db.prepare("INSERT INTO session_keys (id, secret, password_salt, created_at) VALUES (1, ?, ?, ?)").run(
    Buffer.alloc(32, 7),
    Buffer.alloc(16, 9),
    now,
  );
  db.prepare("INSERT INTO sessions (id_hash, expires_at) VALUES ('session-a', ?), ('session-b', ?)").run(now, now + 1);
  db.prepare("INSERT INTO deleted_tasks (id, deleted_at) VALUES (?, ?)").run(seededTaskId(99_999), now);
}
