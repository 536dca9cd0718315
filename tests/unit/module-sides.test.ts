import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const filesUnder = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));

// ESLint keeps browser and shared modules away from lib/server/; this keeps lib/server/ out of every browser
// bundle: Next refuses to build a client module that reaches one of these.
describe("module sides", () => {
  it("every module under lib/server/ is marked server-only", () => {
    const unmarked = filesUnder("lib/server").filter(
      (file) => !/^import "server-only";$/m.test(readFileSync(file, "utf8")),
    );
    expect(unmarked).toEqual([]);
  });

  it("every module under lib/client/ runs in the browser and says so", () => {
    const unmarked = filesUnder("lib/client").filter((file) => {
      const source = readFileSync(file, "utf8");
      return source.includes("server-only") || !/^"use client";$/m.test(source);
    });
    expect(unmarked).toEqual([]);
  });
});
