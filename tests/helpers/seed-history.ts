import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, linkSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { MIGRATIONS } from "../../lib/schema/migrations";
import { GENERATION_DEFAULTS } from "../../lib/generation/rules";
import { studioError } from "../../lib/errors";

/** The bundled clip every seeded entry's archived file links to. */
export const SEED_CLIP = path.join(__dirname, "..", "..", "lib", "simulator", "clips", "sample-16x9.mp4");
const SEED_POSTER = path.join(__dirname, "..", ".artifacts", "seed", "poster.jpg");

export type SeedStatus = "completed" | "failed" | "running";

export interface SeedOptions {
  /** The studio's DATA_DIR; the database is `<dataDir>/studio.sqlite`, made (and migrated) when missing. */
  dataDir: string;
  count: number;
  /** Where archived files go (the studio's ARCHIVE_DIR); default `<dataDir>/videos`. */
  archiveDir?: string;
  /** Give every completed entry a ready poster (one JPEG, linked per entry). */
  withPosters?: boolean;
  /** Prompt of entry i (0 = oldest). */
  promptOf?: (i: number) => string;
  /** Status of entry i; default completed. Running entries are `processing` upstream and are not archived. */
  statusOf?: (i: number) => SeedStatus;
  /** created_at of the oldest entry (ms); entries are a minute apart. Default: so the newest is a minute ago. */
  startAt?: number;
}

export interface SeededHistory {
  /** Task ids, oldest first (index i is entry i). */
  ids: string[];
  dbFile: string;
  archiveDir: string;
}

const STEP_MS = 60_000;

/** A well-formed task id (TASK_ID_PATTERN) unique to entry i. */
export const seededTaskId = (i: number): string =>
  `task-unified-${1_700_000_000 + i}-${i.toString(36).padStart(8, "0").slice(-8)}`;

const defaultPrompt = (i: number) =>
  `Seeded generation ${i}: a slow dolly shot over <<<video_1>>> at dawn, mist on the lake, word${i}`;

/**
 * Puts `count` finished tasks straight into a DATA_DIR's store in one transaction (10,000 in about a second), with
 * archived files as hard links to one bundled clip. Plain Node (no server-only import), so vitest and Playwright's
 * global setup can both call it; the studio must not be running on that DATA_DIR meanwhile.
 */
export function seedHistory(options: SeedOptions): SeededHistory {
  const { dataDir } = options;
  const archiveDir = options.archiveDir ?? path.join(dataDir, "videos");
  mkdirSync(archiveDir, { recursive: true, mode: 0o700 });
  const dbFile = path.join(dataDir, "studio.sqlite");
  const db = new Database(dbFile);
  try {
    db.pragma("journal_mode = WAL");
    const applied = db.pragma("user_version", { simple: true }) as number;
    MIGRATIONS.slice(applied).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${MIGRATIONS.length}`);
    const ids = insertAll(db, options, archiveDir);
    return { ids, dbFile, archiveDir };
  } finally {
    db.close();
  }
}

function insertAll(db: Database.Database, options: SeedOptions, archiveDir: string): string[] {
  const { count, promptOf = defaultPrompt, statusOf = () => "completed" } = options;
  const startAt = options.startAt ?? Date.now() - count * STEP_MS;
  // Linked from copies inside the data folder: a link cannot cross file systems, and 10,000 copies would.
  const sources = path.join(options.dataDir, ".seed");
  mkdirSync(sources, { recursive: true });
  const clip = sourceCopy(SEED_CLIP, path.join(sources, "clip.mp4"));
  const clipBytes = statSync(clip).size;
  const poster = options.withPosters ? sourceCopy(seedPoster(), path.join(sources, "poster.jpg")) : null;
  const insert = db.prepare(
    `INSERT INTO tasks (id, request_json, created_at, updated_at, upstream_status, progress, credits_reserved,
       result_url, error_json, polled_at, archive_state, archive_bytes, poster_state, poster_attempts)
     VALUES (@id, @request, @createdAt, @createdAt + 45000, @status, @progress, 40.5, @resultUrl, @error,
       @createdAt + 45000, @archiveState, @archiveBytes, @posterState, @posterAttempts)`,
  );
  const failure = JSON.stringify(studioError("content_policy_violation"));
  const ids: string[] = [];
  db.transaction(() => {
    for (let i = 0; i < options.count; i++) {
      const id = seededTaskId(i);
      const status = statusOf(i);
      const done = status === "completed";
      if (done) link(clip, path.join(archiveDir, `${id}.mp4`));
      if (done && poster) link(poster, path.join(archiveDir, `${id}.jpg`));
      insert.run({
        id,
        request: JSON.stringify({
          ...GENERATION_DEFAULTS,
          prompt: promptOf(i),
          videoUrl: "https://media.example.com/a.mp4",
        }),
        createdAt: startAt + i * STEP_MS,
        status: status === "running" ? "processing" : status,
        progress: done ? 100 : status === "running" ? 40 : 35,
        resultUrl: done ? `https://results.example.invalid/${id}.mp4` : null,
        error: status === "failed" ? failure : null,
        archiveState: done ? "archived" : "none",
        archiveBytes: done ? clipBytes : null,
        posterState: done && poster ? "ready" : "none",
        posterAttempts: done && poster ? 1 : 0,
      });
      ids.push(id);
    }
  })();
  return ids;
}

function sourceCopy(source: string, target: string): string {
  if (!existsSync(target)) copyFileSync(source, target);
  return target;
}

// Hard links cost no space, so 10,000 archived files take one clip's bytes; a second seeding reuses them.
function link(source: string, target: string): void {
  if (!existsSync(target)) linkSync(source, target);
}

/** One 640-px JPEG frame of the seed clip, made with ffmpeg on first use and cached. */
function seedPoster(): string {
  if (!existsSync(SEED_POSTER)) {
    mkdirSync(path.dirname(SEED_POSTER), { recursive: true });
    execFileSync("ffmpeg", [
      "-y",
      "-loglevel",
      "error",
      "-i",
      SEED_CLIP,
      "-frames:v",
      "1",
      "-vf",
      "scale=640:-2",
      SEED_POSTER,
    ]);
  }
  return SEED_POSTER;
}
