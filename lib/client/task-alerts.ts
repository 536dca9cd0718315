"use client";
import type { Query, QueryClient } from "@tanstack/react-query";
import { isTerminal, type TaskPhase } from "../evolink/contract";
import type { TaskView } from "../tasks/view";
import { GENERATE_KEY } from "./query-keys";

// What the tab title, desktop notifications and the sound say when generations run and end. Loaded with the
// history (not first-load code); every text they show is here, for a later translation.
const TEXT = {
  running: (count: number, percent: number) => `(${count}) ${percent}%`,
  completed: "Generation finished",
  failed: "Generation failed",
};
const EXCERPT_CHARS = 80;
const SOUND_KEY = "kling-studio:sound-on-finish";

function taskOf(query: Query): TaskView | undefined {
  return query.queryKey[0] === "task" ? (query.state.data as TaskView | undefined) : undefined;
}

/** "(2) 45%": how many generations run and their mean progress, or "" when none does. */
export function runningPrefix(tasks: readonly Pick<TaskView, "progress">[]): string {
  if (tasks.length === 0) return "";
  const mean = tasks.reduce((sum, task) => sum + task.progress, 0) / tasks.length;
  return TEXT.running(tasks.length, Math.round(mean));
}

/** The prompt as one line, its reference tokens as their names, cut at a word. */
export function promptExcerpt(prompt: string): string {
  const line = prompt
    .replace(/<<<(\w+)>>>/g, "$1")
    .replace(/\s+/g, " ")
    .trim();
  if (line.length <= EXCERPT_CHARS) return line;
  const cut = line.slice(0, EXCERPT_CHARS);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 40 ? cut.lastIndexOf(" ") : EXCERPT_CHARS)}…`;
}

/**
 * Asked once per page, at the first Generate (still within the press, as browsers require), never on page load;
 * a refusal, or a browser without notifications, changes nothing else.
 */
let asked = false;
function askForNotifications(): void {
  if (asked || typeof Notification === "undefined" || Notification.permission !== "default") return;
  asked = true;
  void Notification.requestPermission().catch(() => undefined);
}

export function soundOn(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === "1";
  } catch {
    return false;
  }
}

export function setSoundOn(on: boolean): void {
  try {
    if (on) localStorage.setItem(SOUND_KEY, "1");
    else localStorage.removeItem(SOUND_KEY);
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** A short two-note chime made on the spot, so no sound file is fetched. */
function chime(completed: boolean): void {
  const context = new AudioContext();
  const notes = completed ? [660, 880] : [440, 330];
  notes.forEach((frequency, index) => {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    const start = context.currentTime + index * 0.18;
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.15, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + 0.16);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.17);
  });
  setTimeout(() => void context.close(), 1000);
}

/** Brings the task's card (or gallery tile) into view and gives it the focus. */
export function revealCard(id: string, tries = 20): void {
  const card = document.querySelector<HTMLElement>(`[data-task-id="${CSS.escape(id)}"]`);
  if (card) {
    // A card is not focusable by itself; a gallery tile's own button is.
    const target =
      card.querySelector<HTMLElement>("button") && card.dataset.testid === "gallery-tile"
        ? card.querySelector<HTMLElement>("button")!
        : card;
    if (target === card && !card.hasAttribute("tabindex")) card.tabIndex = -1;
    card.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
    return;
  }
  // A virtualized list mounts only the cards near the screen: bring the list up, then look again.
  if (tries === 20) document.getElementById("generations")?.scrollIntoView({ block: "start" });
  if (tries > 0) requestAnimationFrame(() => revealCard(id, tries - 1));
}

function ended(task: TaskView): void {
  if (document.visibilityState !== "hidden") return;
  const completed = task.phase === "completed";
  if (soundOn()) chime(completed);
  if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
  const excerpt = promptExcerpt(task.prompt);
  const body = completed || !task.error ? excerpt : `${excerpt}\n${task.error.message}`;
  const notification = new Notification(completed ? TEXT.completed : TEXT.failed, { body, tag: task.id });
  notification.onclick = () => {
    window.focus();
    notification.close();
    revealCard(task.id);
  };
}

/**
 * Watches every polled task in the cache: the tab title counts the running ones (those something still polls),
 * and a task seen running that ends while the tab is hidden is notified. A Generate starting asks for the
 * permission. Returns the unsubscribe.
 */
export function watchTasks(client: QueryClient): () => void {
  const cache = client.getQueryCache();
  const plainTitle = document.title;
  const phases = new Map<string, TaskPhase>();
  const update = () => {
    const running: TaskView[] = [];
    for (const query of cache.getAll()) {
      const task = taskOf(query);
      if (!task) continue;
      const before = phases.get(task.id);
      phases.set(task.id, task.phase);
      if (before && !isTerminal(before) && isTerminal(task.phase)) ended(task);
      if (!isTerminal(task.phase) && query.getObserversCount() > 0) running.push(task);
    }
    const prefix = runningPrefix(running);
    const title = prefix ? `${prefix} · ${plainTitle}` : plainTitle;
    if (document.title !== title) document.title = title;
  };
  update();
  const unsubscribe = cache.subscribe(update);
  const stopAsking = client.getMutationCache().subscribe((event) => {
    if (event.type === "added" && event.mutation.options.mutationKey?.[0] === GENERATE_KEY[0]) askForNotifications();
  });
  return () => {
    unsubscribe();
    stopAsking();
    document.title = plainTitle;
  };
}
