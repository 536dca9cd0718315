"use client";
import { Suspense, useState, type ReactNode } from "react";
import { lazyPart } from "@/lib/client/lazy-part";
import type { GenerationRequest } from "@/lib/generation/schema";

// Asked only before a Generate above CONFIRM_ABOVE_CREDITS, so not first-load code.
const ConfirmGenerate = lazyPart(() => import("./form-notices").then((module) => module.ConfirmGenerate));

/**
 * Sends at once when the total is within the threshold; above it, holds the values until the person confirms in
 * a dialog (dismissed: nothing is sent). Returns the send function and the dialog to render.
 */
export function useConfirmGate(
  total: number,
  threshold: number,
  send: (values: GenerationRequest) => void,
): [(values: GenerationRequest) => void, ReactNode] {
  const [waiting, setWaiting] = useState<GenerationRequest | null>(null);
  const request = (values: GenerationRequest) => (total > threshold ? setWaiting(values) : send(values));
  const dialog = waiting && (
    <Suspense fallback={null}>
      <ConfirmGenerate
        open
        variants={waiting.variants ?? 1}
        total={total}
        threshold={threshold}
        onCancel={() => setWaiting(null)}
        onConfirm={() => {
          setWaiting(null);
          send(waiting);
        }}
      />
    </Suspense>
  );
  return [request, dialog];
}
