import "server-only";
import { deleteArchived } from "./archive";
import { unknownSubmissions } from "../store/submissions";
import { deleteTask, findTask, listTasks } from "../store/tasks";
import { toTaskView } from "./refresh";
import { type HistoryView } from "../../tasks/view";
import { isTerminal } from "../../evolink/contract";

/** Every generation made on this instance, newest first, plus submissions whose outcome is unknown. */
export function listHistory(): HistoryView {
  return {
    tasks: listTasks().map(toTaskView),
    // Only a restart leaves a submission unknown without an error; a send that failed always records one.
    unknownSubmissions: unknownSubmissions().map(({ key, prompt, createdAt, error }) => ({
      key,
      prompt,
      createdAt,
      cause: error ? "no_answer" : "interrupted",
    })),
  };
}

/**
 * Deletes a finished entry and its archived video, after any copy still downloading is cancelled, so
 * no file outlives its entry. A running task is kept: it is still being paid for.
 */
export async function deleteFromHistory(id: string): Promise<"deleted" | "not_found" | "running"> {
  const record = findTask(id);
  if (!record) return "not_found";
  if (!isTerminal(toTaskView(record).phase)) return "running";
  await deleteArchived(id, () => deleteTask(id));
  return "deleted";
}
