import { sleep } from './abort.js';
import { IicsAbortedError, IicsRunNotFoundError } from './errors.js';
import type { JobRef, JobStatus } from './status.js';

/**
 * How long a run may be in neither the activity monitor nor the activity log before it counts as not
 * found. Real runs are missing only briefly (right after the start, and between monitor and log), so
 * this is generous; it only has to end a wait on a run id that does not exist.
 */
export const DEFAULT_NOT_FOUND_AFTER_MS = 120_000;

/** Watches successive statuses of one run and throws IICS_RUN_NOT_FOUND once it was unlisted too long. */
export class NotListedWatch {
  readonly #ref: JobRef;
  readonly #graceMs: number;
  readonly #now: () => number;
  #listedAt: number;
  #everListed = false;

  constructor(ref: JobRef, graceMs: number, now: () => number = Date.now) {
    this.#ref = ref;
    this.#graceMs = graceMs;
    this.#now = now;
    this.#listedAt = now();
  }

  /** True while the run is unlisted but still within the grace period. */
  check(status: JobStatus): boolean {
    if (status.source !== 'none') {
      this.#everListed = true;
      this.#listedAt = this.#now();
      return false;
    }
    if (this.#now() - this.#listedAt < this.#graceMs) return true;
    const { taskId, runId } = this.#ref;
    const where = this.#everListed
      ? `left the activity monitor and has not been in the activity log for ${this.#graceMs} ms`
      : `has been in neither the activity monitor nor the activity log for ${this.#graceMs} ms`;
    throw new IicsRunNotFoundError(
      `Run ${runId} of task ${taskId} was not found: it ${where}. Check the task id and the run id (run ids count per task).`,
      { taskId, runId, notFoundAfterMs: this.#graceMs },
    );
  }
}

/**
 * One status; a run that is not listed is asked for again every `pollMs` until it is, or until
 * `graceMs` has passed (then IICS_RUN_NOT_FOUND).
 */
export async function statusUntilListed(
  ref: JobRef,
  graceMs: number,
  fetch: () => Promise<JobStatus>,
  signal: AbortSignal | undefined,
  pollMs = Math.min(2_000, Math.max(1, Math.floor(graceMs / 5))),
): Promise<JobStatus> {
  const watch = new NotListedWatch(ref, graceMs);
  for (;;) {
    const status = await fetch();
    if (!watch.check(status)) return status;
    try {
      await sleep(pollMs, signal);
    } catch (error) {
      throw new IicsAbortedError(`Stopped looking for run ${ref.runId} of task ${ref.taskId}.`, { ...ref, lastStatus: status, cause: error });
    }
  }
}
