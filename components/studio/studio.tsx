"use client";
import { lazy, Suspense, useCallback, useRef, useState } from "react";
import { useAddToHistory } from "@/lib/client/add-to-history";
import { GenerationForm, type GenerationFormHandle } from "./generation-form";
import { lazyPart, useInBrowser } from "@/lib/client/lazy-part";
import { useKeyRejected } from "@/lib/client/key-rejected";

// The history is read in the browser after the page loads anyway, so its cards, players and actions need
// not be part of the first load: the form comes first. React's own lazy() rather than next/dynamic, whose
// loader would itself be first-load code (~2 kB gzip); the list is rendered only in the browser, as before.
const HistoryList = lazy(() => import("./history-list").then((module) => ({ default: module.HistoryList })));
const loadingHistory = <p className="text-sm text-zinc-600 dark:text-zinc-300">Loading your generations…</p>;
const PANEL =
  "scroll-mt-4 rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-6 dark:border-zinc-800 dark:bg-zinc-900";
// The element library is not needed for the first paint: fetched when the browser is idle.
const ElementsPanel = lazyPart(() => import("./elements-panel").then((module) => module.ElementsPanel));
const loadingElements = <p className="text-sm text-zinc-600 dark:text-zinc-300">Loading your elements…</p>;
// Needed only after a Generate.
const NewCardNotice = lazyPart(() => import("./form-notices").then((module) => module.NewCardNotice));
// Shown only after Evolink rejected the server's key.
const KeyRejectedBanner = lazyPart(() => import("./form-notices").then((module) => module.KeyRejectedBanner));
const AccountBalance = lazyPart(() => import("./form-notices").then((module) => module.AccountBalance));

/**
 * The header's balance, fetched by the browser once the page has loaded; drawn only after hydration, as the balance
 * may already be known when its part loads (the server never knows it).
 */
export function HeaderBalance() {
  return useInBrowser() ? (
    <Suspense fallback={null}>
      <AccountBalance />
    </Suspense>
  ) : null;
}

export function Studio({
  demo,
  videoUploadMaxBytes,
  confirmAboveCredits,
}: {
  demo: boolean;
  videoUploadMaxBytes: number;
  confirmAboveCredits: number;
}) {
  const addToHistory = useAddToHistory();
  const keyRejected = useKeyRejected();
  const inBrowser = useInBrowser();
  const generationForm = useRef<GenerationFormHandle>(null);
  // The first card a Generate made (its later takes sit beside it), for NewCardNotice.
  const [started, setStarted] = useState<{ id: string; at: number } | null>(null);
  const closeNotice = useCallback(() => setStarted(null), []);
  const formRef = useRef<HTMLElement>(null);
  const composer = useCallback(() => formRef.current, []);
  // On a phone the list sits below the form and vice versa: bring what just changed into view.
  const reveal = (section: HTMLElement | null) =>
    requestAnimationFrame(() => section?.scrollIntoView({ behavior: "smooth", block: "nearest" }));

  return (
    <div className="flex flex-col gap-6">
      {started && (
        <Suspense fallback={null}>
          <NewCardNotice key={started.at} taskId={started.id} composer={composer} onClose={closeNotice} />
        </Suspense>
      )}
      {keyRejected && (
        <Suspense fallback={null}>
          <KeyRejectedBanner />
        </Suspense>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)] lg:items-start">
        <div className="flex flex-col gap-6">
          <section ref={formRef} aria-labelledby="new-generation" className={PANEL}>
            <GenerationForm
              demo={demo}
              videoUploadMaxBytes={videoUploadMaxBytes}
              confirmAboveCredits={confirmAboveCredits}
              ref={generationForm}
              onCreated={addToHistory}
              onStarted={(tasks) => tasks[0] && setStarted({ id: tasks[0].id, at: Date.now() })}
            />
          </section>

          <section aria-labelledby="elements" className={PANEL}>
            <h2 id="elements" className="mb-3 text-base font-semibold text-zinc-900 dark:text-white">
              Elements
            </h2>
            {inBrowser ? (
              <Suspense fallback={loadingElements}>
                <ElementsPanel
                  target={() => {
                    reveal(formRef.current);
                    return generationForm.current?.elementTarget() ?? null;
                  }}
                />
              </Suspense>
            ) : (
              loadingElements
            )}
          </section>
        </div>

        <section aria-labelledby="generations" className="flex scroll-mt-4 flex-col gap-4">
          <h2 id="generations" className="text-base font-semibold text-zinc-900 dark:text-white">
            Generations
          </h2>
          {inBrowser ? (
            <Suspense fallback={loadingHistory}>
              <HistoryList
                onRemix={(task) => {
                  void generationForm.current?.remix(task);
                  reveal(formRef.current);
                }}
              />
            </Suspense>
          ) : (
            loadingHistory
          )}
        </section>
      </div>
    </div>
  );
}
