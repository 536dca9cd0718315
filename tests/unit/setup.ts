import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// Every test file gets its own empty data folder, so unit tests never touch ./data.
process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), "studio-unit-data-"));

// The studio logs JSON lines to stdout; tests that check them capture them through their own stream.
process.env.LOG_LEVEL = "silent";
