import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL("../", import.meta.url)),
      // "server-only" throws outside React Server Components; unit tests exercise server modules directly.
      "server-only": fileURLToPath(new URL("./unit/server-only-stub.ts", import.meta.url)),
    },
  },
  test: {
    root: fileURLToPath(new URL("../", import.meta.url)),
    include: ["tests/unit/**/*.test.ts"],
    environment: "node",
    setupFiles: ["tests/unit/setup.ts"],
    // A throwaway PostgreSQL cluster: the store's suites run against it as well as SQLite (store-engines.ts).
    globalSetup: ["tests/unit/pg-global-setup.ts"],
    testTimeout: 20_000,
  },
});
