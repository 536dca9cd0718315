import path from "node:path";
import { defineConfig, devices } from "@playwright/test";
import {
  CANARY_KEY,
  DATA_DIRS,
  DEMO_PORT,
  DEMO_URL,
  KEYED_LOG_FILE,
  KEYED_PORT,
  SIMULATOR_PORT,
  SIMULATOR_URL,
  UPLOAD_DIRS,
} from "./e2e/servers";

const chromium = {
  executablePath: process.env.CHROMIUM_PATH || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

// Playwright compiles this file as CommonJS, so __dirname (not import.meta) locates the repo.
const repoRoot = path.join(__dirname, "..");
const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

// Every test shares one client address, so the per-client budgets are raised here (tested on their own).
const testEnv = {
  NEXT_TELEMETRY_DISABLED: "1",
  SIMULATOR_TASK_SECONDS: "4",
  UPLOAD_MAX_VIDEO_MB: "10",
  RATE_LIMIT_GENERATE_PER_MIN: "1000",
  RATE_LIMIT_UPLOAD_PER_MIN: "1000",
  UPLOAD_MAX_CONCURRENT_PER_CLIENT: "32",
};

export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "../test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: DEMO_URL,
    launchOptions: chromium,
    trace: "retain-on-failure",
    acceptDownloads: true,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions: chromium, channel: undefined } }],
  webServer: [
    {
      command: `npx next start -p ${DEMO_PORT} -H 127.0.0.1`,
      url: `${DEMO_URL}/`,
      // E2E_DATABASE_URL runs the demo studio on PostgreSQL instead of SQLite (the keyed one stays on SQLite, so
      // the two never poll each other's tasks).
      env: {
        ...testEnv,
        EVOLINK_API_KEY: "",
        UPLOAD_TMP_DIR: UPLOAD_DIRS.demo,
        DATA_DIR: DATA_DIRS.demo,
        DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
      },
      cwd: repoRoot,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // Hangs end after 10 s, beyond the keyed app's shortened timeouts below, so the key-leak test can run
      // every transport fault within its budget.
      command: `npx tsx lib/simulator/cli.ts --port ${SIMULATOR_PORT} --key ${CANARY_KEY} --task-seconds 4 --hang-ms 10000`,
      url: `${SIMULATOR_URL}/__sim/log`,
      cwd: repoRoot,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      // Its whole output goes to a file the key-leak test searches (look there if this server fails to start).
      command: `sh -c ${shellQuote(
        `mkdir -p ${shellQuote(path.dirname(KEYED_LOG_FILE))} && exec npx next start -p ${KEYED_PORT} -H 127.0.0.1 >> ${shellQuote(KEYED_LOG_FILE)} 2>&1`,
      )}`,
      url: `http://127.0.0.1:${KEYED_PORT}/`,
      env: {
        ...testEnv,
        EVOLINK_API_KEY: CANARY_KEY,
        UPLOAD_TMP_DIR: UPLOAD_DIRS.keyed,
        DATA_DIR: DATA_DIRS.keyed,
        DATABASE_URL: "",
        EVOLINK_API_BASE: SIMULATOR_URL,
        EVOLINK_FILES_BASE: SIMULATOR_URL,
        EVOLINK_CREATE_TIMEOUT_MS: "8000",
        EVOLINK_GET_TIMEOUT_MS: "5000",
      },
      cwd: repoRoot,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
