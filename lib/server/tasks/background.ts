import "server-only";
import { archiveRetryDue, archiveTask, MAX_ARCHIVE_ATTEMPTS, onArchived } from "./archive";
import { MAX_POSTER_ATTEMPTS, queuePoster, retryFailedPosters } from "./poster";
import { config } from "../config";
import { log, withLogContext } from "../log";
import { store } from "../store/connection";
import { markInterruptedSubmissions } from "../store/submissions";
import {
  forgetUnavailablePosters,
  tasksAwaitingArchive,
  tasksAwaitingPosterRetry,
  unfinishedTaskIds,
} from "../store/tasks";
import { onTaskCompleted, refreshTask } from "./refresh";
import { studioError } from "../../errors";
import { refreshElement } from "../elements/refresh";
import { creatingElementIds, markInterruptedElements } from "../store/elements";
import { sweepDirectUploadsWhenDue } from "../uploads/direct";

const globalForBackground = globalThis as typeof globalThis & {
  __background?: { timer: NodeJS.Timeout; busy: boolean };
};

/**
 * Runs once per server process: opens the store (throwing DatabaseStartupError when it cannot), marks
 * submissions cut off by a restart as unknown, and keeps unfinished tasks moving and finished ones
 * archived (and given posters) even when no browser is open.
 */
export async function startBackgroundWork(): Promise<void> {
  if (globalForBackground.__background) return;
  await store();
  const interrupted = await markInterruptedSubmissions();
  await markInterruptedElements(studioError("create_outcome_unknown"));
  if (interrupted > 0)
    log().warn({ interrupted }, "submissions were cut off by a restart; they show in the history as unknown");
  await forgetUnavailablePosters();
  // A copy that cannot even record its failure (the database out of reach) is retried by the poller.
  onTaskCompleted((record) => {
    archiveTask(record).catch((error: unknown) =>
      log().warn({ err: error }, "archiving stopped; the poller retries it"),
    );
  });
  onArchived(queuePoster);
  // Timers keep the context they were created in: the poller's lines say so, not some request's id.
  withLogContext({ job: "poller" }, () => {
    const state = { busy: false, timer: setInterval(() => void tick(state), config().pollIntervalMs) };
    state.timer.unref();
    globalForBackground.__background = state;
    void tick(state);
  });
  log().info({ pollIntervalMs: config().pollIntervalMs }, "background poller started");
}

async function tick(state: { busy: boolean }): Promise<void> {
  if (state.busy) return;
  state.busy = true;
  try {
    const refreshed = await Promise.allSettled([
      ...(await unfinishedTaskIds()).map((id) => refreshTask(id)),
      ...(await creatingElementIds()).map((id) => refreshElement(id)),
    ]);
    for (const outcome of refreshed) {
      if (outcome.status === "rejected")
        log().warn({ err: outcome.reason }, "background refresh failed; retrying next tick");
    }
    const due = (await tasksAwaitingArchive(MAX_ARCHIVE_ATTEMPTS)).filter((record) => archiveRetryDue(record));
    await Promise.allSettled(due.map((record) => archiveTask(record)));
    retryFailedPosters(await tasksAwaitingPosterRetry(MAX_POSTER_ATTEMPTS));
    sweepDirectUploadsWhenDue();
  } catch (error) {
    // The database out of reach (PostgreSQL restarting): nothing was changed; the next tick tries again.
    log().warn({ err: error }, "the background poller could not read the store; retrying next tick");
  } finally {
    state.busy = false;
  }
}
