import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypeScript from "eslint-config-next/typescript";
import tanstackQuery from "@tanstack/eslint-plugin-query";

export default defineConfig([
  ...nextVitals,
  ...nextTypeScript,
  ...tanstackQuery.configs["flat/recommended"],
  globalIgnores([".next/**", "node_modules/**", "test-results/**", "tests/.artifacts/**", "next-env.d.ts"]),
]);
