import { clsx, type ClassValue } from "clsx";
import { createTailwindMerge } from "tailwind-merge";

// Our own few validators: tailwind-merge's `validators` come as one object, and all of them came along with it.
const isNumber = (value: string) => !!value && !Number.isNaN(Number(value));
const isFraction = (value: string) => /^\d+\/\d+$/.test(value);
const isTshirtSize = (value: string) => /^(\d+(\.\d+)?)?(xs|sm|md|lg|xl)$/.test(value);
const isArbitraryValue = (value: string) => /^\[.+\]$/.test(value);
const isArbitraryLength = (value: string) =>
  /^\[(length:.+|\d*\.?\d+(px|r?em|%|[sdl]?v[hw])|calc\(.+\)|0)\]$/.test(value);

// Only the palette's own shape (`zinc-300`, `red-600/50`, `white`…), so that `border-t` or `ring-inset` are not
// taken for colours.
const isColour = (value: string) =>
  /^(?:inherit|current|transparent|black|white|[a-z]+-\d{2,3})(?:\/\d+)?$/.test(value) || isArbitraryValue(value);
const spacing = ["px", isNumber, isArbitraryValue];
const sizing = [isFraction, "auto", "full", "screen", "min", "max", "fit", ...spacing];
const sides = (prefix: string) => ["", "x", "y", "t", "r", "b", "l"].map((side) => prefix + side);

/**
 * tailwind-merge with a config of the class groups the primitives in components/ui and their callers' `className`
 * overrides use, instead of its default config of every Tailwind class: that config was ~7 kB gzip of the studio's
 * first load (budget: 170 kB). tests/unit/cn.test.ts checks that it merges every pair of the classes our code
 * passes through `cn()` as the full default config does; a class group not listed here is joined, not merged.
 */
const merge = createTailwindMerge(() => ({
  cacheSize: 500,
  theme: {},
  classGroups: {
    display: ["block", "inline-block", "inline", "flex", "inline-flex", "grid", "inline-grid", "contents", "hidden"],
    position: ["static", "fixed", "absolute", "relative", "sticky"],
    inset: [{ inset: [isFraction, "full", "auto", ...spacing] }],
    overflow: [{ overflow: ["auto", "hidden", "clip", "visible", "scroll"] }],
    "flex-direction": [{ flex: ["row", "row-reverse", "col", "col-reverse"] }],
    "align-items": [{ items: ["start", "end", "center", "baseline", "stretch"] }],
    "justify-content": [{ justify: ["normal", "start", "end", "center", "between", "around", "evenly", "stretch"] }],
    gap: [{ gap: spacing }],
    ...Object.fromEntries([...sides("p"), ...sides("m")].map((group) => [group, [{ [group]: spacing }]])),
    size: [{ size: sizing }],
    w: [{ w: sizing }],
    h: [{ h: sizing }],
    "min-w": [{ "min-w": sizing }],
    "font-size": [{ text: ["base", isTshirtSize, isArbitraryLength] }],
    "font-weight": [{ font: ["thin", "light", "normal", "medium", "semibold", "bold", "extrabold", "black"] }],
    "font-family": [{ font: ["sans", "serif", "mono"] }],
    leading: [{ leading: ["none", "tight", "snug", "normal", "relaxed", "loose", ...spacing] }],
    "text-alignment": [{ text: ["left", "center", "right", "justify", "start", "end"] }],
    "text-wrap": [{ text: ["wrap", "nowrap", "balance", "pretty"] }],
    "text-color": [{ text: [isColour] }],
    whitespace: [{ whitespace: ["normal", "nowrap", "pre", "pre-line", "pre-wrap", "break-spaces"] }],
    break: [{ break: ["normal", "words", "all", "keep"] }],
    "bg-color": [{ bg: [isColour] }],
    rounded: [{ rounded: ["", "none", "full", isTshirtSize, isArbitraryValue] }],
    "border-w": [{ border: ["", isNumber, isArbitraryLength] }],
    "border-style": [{ border: ["solid", "dashed", "dotted", "double", "hidden", "none"] }],
    "border-color": [{ border: [isColour] }],
    "outline-style": [{ outline: ["solid", "dashed", "dotted", "double", "none", "hidden"] }],
    "outline-offset": [{ "outline-offset": [isNumber, isArbitraryValue] }],
    "outline-w": [{ outline: ["", isNumber, isArbitraryLength] }],
    "outline-color": [{ outline: [isColour] }],
    shadow: [{ shadow: ["", "none", isTshirtSize, isArbitraryValue] }],
    "shadow-color": [{ shadow: [isColour] }],
    "ring-w": [{ ring: ["", isNumber, isArbitraryLength] }],
    "ring-color": [{ ring: [isColour] }],
    opacity: [{ opacity: [isNumber, isArbitraryValue] }],
    transition: [{ transition: ["", "all", "colors", "opacity", "shadow", "transform", "none", isArbitraryValue] }],
    cursor: [{ cursor: ["auto", "default", "pointer", "wait", "text", "move", "not-allowed", "none"] }],
    "pointer-events": [{ "pointer-events": ["auto", "none"] }],
    resize: [{ resize: ["none", "", "y", "x"] }],
    select: [{ select: ["none", "text", "all", "auto"] }],
  },
  conflictingClassGroups: {
    p: sides("p").slice(1),
    px: ["pr", "pl"],
    py: ["pt", "pb"],
    m: sides("m").slice(1),
    mx: ["mr", "ml"],
    my: ["mt", "mb"],
    size: ["w", "h"],
  },
  conflictingClassGroupModifiers: { "font-size": ["leading"] },
  orderSensitiveModifiers: ["placeholder"],
}));

/** Joins class names and lets a later Tailwind class replace an earlier one of the same kind (`px-2` over `px-4`). */
export function cn(...inputs: ClassValue[]): string {
  return merge(clsx(inputs));
}
