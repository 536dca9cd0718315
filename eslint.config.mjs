import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";
import tanstackQuery from "@tanstack/eslint-plugin-query";

export default defineConfig([
  ...nextVitals,
  ...nextTypeScript,
  ...tanstackQuery.configs["flat/recommended"],
  {
    // The side of a module is its path: lib/server/ runs on the server only, lib/client/ in the browser only, and
    // the rest of lib/ on both. What runs in a browser may not reach for the server's modules or Node's.
    files: [
      "components/**",
      "lib/client/**",
      "lib/evolink/**",
      "lib/generation/**",
      "lib/media/**",
      "lib/net/**",
      "lib/tasks/**",
      "lib/schema/**",
      "lib/errors.ts",
      "lib/error-catalog.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/server/**", "@/lib/server/**", "@/lib/simulator/**", "**/simulator/**"],
              message: "Server-only: not for modules that run in the browser.",
            },
            { group: ["node:*", "server-only"], message: "Not available in the browser." },
            { group: ["@/app/**", "**/app/**"], message: "app/ composes components and lib; nothing imports from it." },
          ],
        },
      ],
    },
  },
  {
    files: [
      "lib/evolink/**",
      "lib/generation/**",
      "lib/media/**",
      "lib/net/**",
      "lib/tasks/**",
      "lib/schema/**",
      "lib/errors.ts",
      "lib/error-catalog.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/server/**", "@/lib/server/**", "**/simulator/**"],
              message: "Server-only: shared modules run in the browser too.",
            },
            {
              group: ["**/client/**", "@/lib/client/**"],
              message: "Browser-only: shared modules run on the server too.",
            },
            { group: ["node:*", "server-only"], message: "Shared modules run in the browser too." },
          ],
        },
      ],
    },
  },
  {
    files: ["lib/server/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["**/client/**", "@/lib/client/**"], message: "Browser-only module." }] },
      ],
    },
  },
  globalIgnores([".next/**", "node_modules/**", "test-results/**", "tests/.artifacts/**", "next-env.d.ts"]),
]);
