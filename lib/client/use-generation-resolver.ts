"use client";
import { useEffect } from "react";
import type { Resolver } from "react-hook-form";
import type { GenerationRequest } from "../generation/schema";
import { whenIdle } from "./lazy-part";

const loadValidator = () => import("../generation/resolver").then((module) => module.generationResolver);

/**
 * The shared zod schema as a react-hook-form resolver, without zod in the page's first-load
 * JavaScript: it is fetched when the browser is idle after the page loads, or at the first
 * validation if that comes sooner.
 */
export function useGenerationResolver(): Resolver<GenerationRequest> {
  useEffect(() => whenIdle(() => void loadValidator()), []);
  return lazyResolver;
}

const lazyResolver: Resolver<GenerationRequest> = async (values, context, options) =>
  (await loadValidator())(values, context, options);
