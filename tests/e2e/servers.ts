import path from "node:path";

/** Where the e2e servers listen; shared by playwright.config.ts and the specs. */
// E2E_PORT_SHIFT lets two checkouts on one machine run their suites side by side.
const PORT_SHIFT = Number(process.env.E2E_PORT_SHIFT ?? 0);
export const DEMO_PORT = 3210 + PORT_SHIFT;
export const KEYED_PORT = 3211 + PORT_SHIFT;
export const SIMULATOR_PORT = 4310 + PORT_SHIFT;
export const DEMO_URL = `http://127.0.0.1:${DEMO_PORT}`;
export const KEYED_URL = `http://127.0.0.1:${KEYED_PORT}`;
export const SIMULATOR_URL = `http://127.0.0.1:${SIMULATOR_PORT}`;
/** A fake key the keyed app uses against the standalone simulator; the leak test hunts for it. */
export const CANARY_KEY = "sk-canary-7f3e9b2c41d8a6e5f0c3b7d9";
const RUN = path.join(
  __dirname,
  "..",
  ".artifacts",
  `run-${process.env.E2E_RUN_ID ?? (process.env.E2E_RUN_ID = String(Date.now()))}`,
);

/** Each run starts with empty histories: one data folder per app instance. */
export const DATA_DIRS = { demo: path.join(RUN, "data-demo"), keyed: path.join(RUN, "data-keyed") };

/** Everything the keyed app writes to stdout and stderr, for the key-leak test to search. */
export const KEYED_LOG_FILE = path.join(RUN, "keyed-server.log");

/** Where each app instance keeps upload temp files, so tests can check nothing is left behind. */
export const UPLOAD_DIRS = {
  demo: path.join(__dirname, "..", ".artifacts", "uploads-demo"),
  keyed: path.join(__dirname, "..", ".artifacts", "uploads-keyed"),
};
