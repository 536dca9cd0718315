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
 * tailwind-merge with a config of only the class groups in which classes our code passes through `cn()` can meet
 * (the primitives in components/ui and their callers' `className` overrides), instead of its default config of
 * every Tailwind class: that config was ~7 kB gzip of the studio's first load (budget: 170 kB). A class group not
 * listed here is joined, not merged; tests/unit/cn.test.ts checks that every pair of the classes our code passes
 * merges as the full default config merges it, so a new override that needs a group listed turns it red.
 */
const merge = createTailwindMerge(() => ({
  cacheSize: 500,
  theme: {},
  classGroups: {
    display: ["block", "inline-block", "inline", "flex", "inline-flex", "grid", "inline-grid", "contents", "hidden"],
    position: ["static", "fixed", "absolute", "relative", "sticky"],
    gap: [{ gap: spacing }],
    ...Object.fromEntries([...sides("p"), ...sides("m")].map((group) => [group, [{ [group]: spacing }]])),
    size: [{ size: sizing }],
    w: [{ w: sizing }],
    "font-size": [{ text: ["base", isTshirtSize, isArbitraryLength] }],
    "font-weight": [{ font: ["thin", "light", "normal", "medium", "semibold", "bold", "extrabold", "black"] }],
    leading: [{ leading: ["none", "tight", "snug", "normal", "relaxed", "loose", ...spacing] }],
    "text-color": [{ text: [isColour] }],
    "bg-color": [{ bg: [isColour] }],
    rounded: [{ rounded: ["", "none", "full", isTshirtSize, isArbitraryValue] }],
    "border-w": [{ border: ["", isNumber, isArbitraryLength] }],
    "border-color": [{ border: [isColour] }],
    shadow: [{ shadow: ["", "none", isTshirtSize, isArbitraryValue] }],
    "ring-color": [{ ring: [isColour] }],
    opacity: [{ opacity: [isNumber, isArbitraryValue] }],
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
