"use client";
import { useRef, useState } from "react";
import type { TaskView } from "@/lib/task-view";
import { GenerationForm } from "./generation-form";
import { TaskCard } from "./task-card";

export function Studio({ demo, videoUploadMaxBytes }: { demo: boolean; videoUploadMaxBytes: number }) {
  const [tasks, setTasks] = useState<TaskView[]>([]);
  const listRef = useRef<HTMLElement>(null);
  const addTask = (task: TaskView) => {
    setTasks((current) => [task, ...current]);
    // On a phone the list sits below the form: bring the new card into view.
    requestAnimationFrame(() => listRef.current?.scrollIntoView({ behavior: "smooth", block: "nearest" }));
  };
  return (
    <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,5fr)_minmax(0,6fr)] lg:items-start">
      <section aria-labelledby="new-generation" className="rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-6 dark:border-zinc-800 dark:bg-zinc-900">
        <h2 id="new-generation" className="mb-4 text-base font-semibold text-zinc-900 dark:text-white">
          New generation
        </h2>
        <GenerationForm demo={demo} videoUploadMaxBytes={videoUploadMaxBytes} onCreated={addTask} />
      </section>

      <section ref={listRef} aria-labelledby="generations" className="flex scroll-mt-4 flex-col gap-4">
        <h2 id="generations" className="text-base font-semibold text-zinc-900 dark:text-white">
          Generations
        </h2>
        {tasks.length === 0 ? (
          <div className="rounded-2xl border border-dashed border-zinc-300 px-6 py-12 text-center text-sm text-zinc-500 dark:border-zinc-700 dark:text-zinc-400">
            <p className="font-medium text-zinc-700 dark:text-zinc-300">No generations yet</p>
            <p className="mt-1">Write a prompt, add a reference video and press Generate. Progress shows up here.</p>
          </div>
        ) : (
          tasks.map((task) => <TaskCard key={task.id} initial={task} />)
        )}
      </section>
    </div>
  );
}
