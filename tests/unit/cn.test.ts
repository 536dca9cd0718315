/**
 * cn() runs tailwind-merge on a small config of its own (components/ui/cn.ts). Every class our code passes through
 * cn() (the primitives' own classes and what callers hand them as `className`) is read from the source, and every
 * pair of them must merge exactly as tailwind-merge's full default config merges it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { twMerge } from "tailwind-merge";
import { describe, expect, it } from "vitest";
import { cn } from "@/components/ui/cn";
import { controlVariants } from "@/components/ui/input";

const ROOT = path.join(__dirname, "..", "..");
const PRIMITIVES = new Set(["Button", "IconButton", "Chip", "Input", "Textarea", "Select"]);

function tsxFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(rel);
    return rel.endsWith(".tsx") ? [rel] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
}

/** The literal text inside a node: string literals and the fixed parts of template literals. */
function literalText(node: ts.Node): string[] {
  const found: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) found.push(n.text);
    else if (ts.isTemplateHead(n) || ts.isTemplateMiddle(n) || ts.isTemplateTail(n)) found.push(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

/** What reaches cn(): all literals of the primitives that call it, the `className` given to a primitive, cn()'s arguments. */
function classesThroughCn(): string[] {
  const texts: string[] = [];
  for (const file of [...tsxFiles("components"), ...tsxFiles("app")]) {
    const source = parse(file);
    const isPrimitiveFile = file.startsWith(path.join("components", "ui")) && /\bcn\(/.test(source.text);
    if (isPrimitiveFile) texts.push(...literalText(source));
    const visit = (n: ts.Node) => {
      if ((ts.isJsxOpeningElement(n) || ts.isJsxSelfClosingElement(n)) && PRIMITIVES.has(n.tagName.getText())) {
        for (const attribute of n.attributes.properties) {
          if (ts.isJsxAttribute(attribute) && attribute.name.getText() === "className" && attribute.initializer) {
            texts.push(...literalText(attribute.initializer));
          }
        }
      }
      if (ts.isCallExpression(n) && n.expression.getText() === "cn")
        n.arguments.forEach((a) => texts.push(...literalText(a)));
      ts.forEachChild(n, visit);
    };
    visit(source);
  }
  // A Tailwind class the full config knows collapses when repeated; words like "button" or "aria-label" do not.
  const known = (token: string) => twMerge(`${token} ${token}`) === token;
  return [...new Set(texts.flatMap((text) => text.split(/\s+/)))].filter((token) => token && known(token)).sort();
}

describe("cn()", () => {
  const classes = classesThroughCn();

  it("finds the classes of the primitives and of the callers' overrides", () => {
    expect(classes.length).toBeGreaterThan(100);
    // From components/ui/button.tsx, and from overrides in components/studio (Textarea, Input, prompt backdrop).
    for (const sample of ["bg-red-600", "px-4", "text-sm", "leading-6", "text-transparent", "mt-2", "sm:min-w-36"]) {
      expect(classes).toContain(sample);
    }
  });

  it("merges every pair of them as tailwind-merge's default config does", () => {
    const differences: string[] = [];
    for (const first of classes) {
      for (const second of classes) {
        if (first === second) continue;
        const ours = cn(first, second);
        const full = twMerge(first, second);
        if (ours !== full) differences.push(`cn("${first}", "${second}") = "${ours}", full config "${full}"`);
      }
    }
    expect(differences).toEqual([]);
  });

  it("lets the later class of a kind win, and keeps classes of different kinds", () => {
    expect(cn("px-4 py-2 text-sm", "px-2 py-1 text-xs")).toBe("px-2 py-1 text-xs");
    expect(cn("bg-violet-600 hover:bg-violet-500", "bg-red-600 hover:bg-red-500")).toBe("bg-red-600 hover:bg-red-500");
    expect(cn("p-4", "px-2")).toBe("p-4 px-2");
    expect(cn("px-2", "p-4")).toBe("p-4");
    expect(cn("size-7", "w-full")).toBe("size-7 w-full");
    expect(cn("text-white", "text-sm", "text-center")).toBe("text-white text-sm text-center");
    expect(cn("border-2", "border-dashed", "border-violet-500", "border-zinc-300")).toBe(
      "border-2 border-dashed border-zinc-300",
    );
    expect(cn("ring-2 focus:ring-violet-500/30", "focus:ring-red-500/20")).toBe("ring-2 focus:ring-red-500/20");
    expect(cn("opacity-50", false, "opacity-90")).toBe("opacity-90");
  });

  it("gives the prompt's backdrop transparent text over the control's colour", () => {
    const merged = cn(controlVariants(), "leading-relaxed text-transparent").split(" ");
    expect(merged).toContain("text-transparent");
    expect(merged).not.toContain("text-zinc-900");
    expect(merged).toContain("text-sm");
    expect(merged).toContain("leading-relaxed");
  });
});
