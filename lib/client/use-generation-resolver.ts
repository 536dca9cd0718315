"use client";
import { useEffect } from "react";
import type { Resolver } from "react-hook-form";
import type { GenerationRequest } from "../generation/schema";

const loadValidator = () => import("../generation/resolver").then((module) => module.generationResolver);

/**
 * The shared zod schema as a react-hook-form resolver, without zod in the page's first-load
 * JavaScript: it is fetched when the browser is idle after the page loads, or at the first
 * validation if that comes sooner.
 */
export function useGenerationResolver(): Resolver<GenerationRequest> {
  useEffect(() => {
    const prefetch = () => void loadValidator();
    if (typeof window.requestIdleCallback !== "function") {
      const timer = setTimeout(prefetch, 200);
      return () => clearTimeout(timer);
    }
    const handle = window.requestIdleCallback(prefetch, { timeout: 2000 });
    return () => window.cancelIdleCallback(handle);
  }, []);
  return lazyResolver;
}

const lazyResolver: Resolver<GenerationRequest> = async (values, context, options) =>
  (await loadValidator())(values, context, options);
