import "server-only";
import { archiveRetryDue, archiveTask, MAX_ARCHIVE_ATTEMPTS, onArchived } from "./archive";
import { MAX_POSTER_ATTEMPTS, queuePoster, retryFailedPosters } from "./poster";
import { config } from "../config";
import { log, withLogContext } from "../log";
import { store } from "../store/connection";
import { claimTasksAwaitingArchive, claimUnfinishedTasks } from "../store/leases";
import { markInterruptedSubmissions } from "../store/submissions";
import { forgetUnavailablePosters, tasksAwaitingPosterRetry } from "../store/tasks";
import { onTaskCompleted, refreshTask } from "./refresh";
import { studioError } from "../../errors";
import { refreshElement } from "../elements/refresh";
import { creatingElementIds, markInterruptedElements } from "../store/elements";
import { sweepDirectUploadsWhenDue } from "../uploads/direct";

const globalForBackground = globalThis as typeof globalThis & {
  __background?: { timer: NodeJS.Timeout | null; busy: boolean };
};

/**
 * Runs once per server process: opens the store (throwing DatabaseStartupError when it cannot), marks
 * submissions cut off by a restart as unknown, and keeps unfinished tasks moving and finished ones
 * archived (and given posters) even when no browser is open. With BACKGROUND_POLLER=off no timer runs: a
 * platform scheduler calls POST /api/cron/advance instead, which runs the same advance().
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
  if (!config().backgroundPoller) {
    globalForBackground.__background = { timer: null, busy: false };
    log().info("background poller off (BACKGROUND_POLLER=off): POST /api/cron/advance advances tasks");
    return;
  }
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
    await advance();
  } catch (error) {
    // The database out of reach (PostgreSQL restarting): nothing was changed; the next tick tries again.
    log().warn({ err: error }, "the background poller could not read the store; retrying next tick");
  } finally {
    state.busy = false;
  }
}

/** What one advance did: tasks polled (or answered from the store), polls that failed, archive copies tried. */
export interface AdvanceCounts {
  refreshed: number;
  failed: number;
  archived: number;
}

/**
 * One round of background work, under this instance's leases (leases.ts): the unfinished tasks it holds are
 * refreshed (each asking the upstream only when it wins the poll slot), the finished ones it holds are archived,
 * failed posters retried and expired direct uploads swept. The poller's tick and the cron route both run it.
 */
export async function advance(): Promise<AdvanceCounts> {
  const refreshed = await Promise.allSettled([
    ...(await claimUnfinishedTasks()).map((id) => refreshTask(id)),
    ...(await creatingElementIds()).map((id) => refreshElement(id)),
  ]);
  const failed = refreshed.filter((outcome) => outcome.status === "rejected");
  for (const outcome of failed) log().warn({ err: outcome.reason }, "background refresh failed; retrying next tick");
  const due = (await claimTasksAwaitingArchive(MAX_ARCHIVE_ATTEMPTS)).filter((record) => archiveRetryDue(record));
  await Promise.allSettled(due.map((record) => archiveTask(record)));
  retryFailedPosters(await tasksAwaitingPosterRetry(MAX_POSTER_ATTEMPTS));
  sweepDirectUploadsWhenDue();
  return { refreshed: refreshed.length - failed.length, failed: failed.length, archived: due.length };
}
