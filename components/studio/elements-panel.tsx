"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import type { ElementView } from "@/lib/elements/view";
import { attachElement, type ElementTarget } from "@/lib/client/form-elements";
import { ElementForm } from "./element-form";
import { ElementLibrary } from "./element-library";

/**
 * The Elements panel (loaded after the first screen): New element, and the library of saved subjects with
 * their status, rename, delete and "Use", which attaches one to the generation form `target` gives (or says
 * why it cannot).
 */
export function ElementsPanel({ target }: { target: () => ElementTarget | null }) {
  const onUse = (element: ElementView) => {
    const form = target();
    return form ? attachElement(form, element) : null;
  };
  const [creating, setCreating] = useState(false);
  return (
    <div className="flex flex-col gap-4">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Saved characters and objects. Attach one to a generation and name it in the prompt as{" "}
        <code className="font-mono text-xs">{"<<<element_1>>>"}</code> to keep it the same across shots.
      </p>
      {creating ? (
        <ElementForm onDone={() => setCreating(false)} />
      ) : (
        <div>
          <Button variant="secondary" onClick={() => setCreating(true)}>
            New element
          </Button>
        </div>
      )}
      <ElementLibrary onUse={onUse} />
    </div>
  );
}
