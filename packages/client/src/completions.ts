import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { linkSignals, sleep } from './abort.js';
import type { IicsLogger } from './options.js';
import type { JobRef, JobStatus } from './status.js';
import type { StatusFn, WaitOptions, WaitResult } from './wait.js';

/**
 * Where a wait learns that a run ended: `createCompletionHub()` of @iics-jobs/callback-express fits,
 * and so does anything else that resolves with the run's callback. Declared here so that the client
 * depends on no receiver. Rejecting (other than on `signal`) hands the wait back to polling.
 */
export interface CompletionSource {
  waitFor(ref: JobRef, signal: AbortSignal): Promise<CallbackUrlResponse>;
}

/** IICS gives up on a callback after 30 minutes; a poll a minute catches one that never came at little cost. */
export const DEFAULT_FALLBACK_POLL_INTERVAL_MS = 60_000;
// The fallback polls are insurance against a callback that is lost, which is rare: after the first
// they space out, doubling up to this many times fallbackPollIntervalMs (5 min by default).
const FALLBACK_BACKOFF_CAP = 5;

// Reads after the callback while the activity log has not caught up with it yet; then pollIntervalMs.
const SETTLE_DELAYS_MS = [250, 500, 1_000, 2_000];

type Arrival = { kind: 'callback'; callback: CallbackUrlResponse } | { kind: 'failed'; error: unknown };

/**
 * The wait with a completion source: it ends when the callback arrives (then one status read gives
 * SUCCESS vs WARNING, rows and times), and polls in case it never does: first after
 * `fallbackPollIntervalMs`, then twice, four times ... that long, up to five times; every
 * `pollIntervalMs` instead once the source failed. Aborts and the timeout are the caller's (`signal`).
 */
export async function waitOnCompletions(
  ref: JobRef,
  options: WaitOptions & { completions: CompletionSource; pollIntervalMs: number },
  status: StatusFn,
  signal: AbortSignal,
  logger: IicsLogger,
  onRead: (status: JobStatus) => void,
): Promise<WaitResult> {
  const pollMs = options.pollIntervalMs;
  const fallbackMs = options.fallbackPollIntervalMs ?? DEFAULT_FALLBACK_POLL_INTERVAL_MS;
  let interval = fallbackMs;
  let sourceFailed = false;
  let reads = 0;
  let seen = false;
  const read = async (ended = false): Promise<JobStatus> => {
    const current = await status(ref, { signal, notListed: seen ? 'RUNNING' : 'QUEUED', ...(ended ? { ended } : {}) });
    reads += 1;
    if (current.source !== 'none') seen = true;
    onRead(current);
    options.onUpdate?.(current);
    return current;
  };

  // Ends the source's wait when this one ends, whichever way, so the source can forget it.
  const done = new AbortController();
  const sourceSignal = linkSignals(signal, done.signal);
  let pending: Promise<Arrival> | undefined = Promise.resolve()
    .then(() => options.completions.waitFor({ taskId: ref.taskId, runId: ref.runId }, sourceSignal.signal))
    .then(
      (callback): Arrival => ({ kind: 'callback', callback }),
      (error: unknown): Arrival => ({ kind: 'failed', error }),
    );
  try {
    for (;;) {
      const next = await nextEvent(pending, interval, signal);
      if (next.kind === 'tick') {
        const current = await read();
        if (current.terminal) return { ...current, endedBy: 'poll', statusRequests: reads };
        if (!sourceFailed) interval = Math.min(interval * 2, fallbackMs * FALLBACK_BACKOFF_CAP);
        continue;
      }
      // An abort also rejects the source's wait: that is the caller's abort, not a failed source.
      if (signal.aborted) throw signal.reason;
      pending = undefined;
      const arrived = next.kind === 'callback' ? checkCallback(next.callback, ref) : next.error;
      if (arrived instanceof Error || next.kind === 'failed') {
        const message = arrived instanceof Error ? arrived.message : String(arrived);
        logger.warn?.(`Waiting on the callback of run ${ref.runId} failed; polling every ${pollMs} ms instead`, {
          taskId: ref.taskId,
          runId: ref.runId,
          error: message,
        });
        interval = pollMs;
        sourceFailed = true;
        // The callback may have come and gone while the source could not tell: look now.
        const current = await read();
        if (current.terminal) return { ...current, endedBy: 'poll', statusRequests: reads };
        continue;
      }
      const callback = next.callback;
      let current = await read(true);
      for (let i = 0; !current.terminal; i += 1) {
        await sleep(SETTLE_DELAYS_MS[i] ?? pollMs, signal);
        current = await read();
      }
      return { ...current, endedBy: 'callback', statusRequests: reads, callback };
    }
  } finally {
    done.abort();
    sourceSignal.dispose();
  }
}

/** A callback for another run would be the source's bug; better to poll than to end the wrong wait. */
function checkCallback(callback: CallbackUrlResponse, ref: JobRef): CallbackUrlResponse | Error {
  if (callback === null || typeof callback !== 'object') return new Error('the completion source resolved with no callback');
  if (callback.objectId !== ref.taskId || callback.runId !== ref.runId) {
    return new Error(`the completion source resolved with the callback of run ${String(callback.runId)} of task ${String(callback.objectId)}`);
  }
  return callback;
}

/** The next thing to act on: the source's answer, or the poll timer; the timer is cleared when the source wins. */
async function nextEvent(pending: Promise<Arrival> | undefined, intervalMs: number, signal: AbortSignal): Promise<Arrival | { kind: 'tick' }> {
  const timer = new AbortController();
  const linked = linkSignals(signal, timer.signal);
  const tick = sleep(intervalMs, linked.signal).then(
    () => ({ kind: 'tick' }) as const,
    (error: unknown) => {
      if (signal.aborted) throw error;
      return undefined;
    },
  );
  try {
    const winner = await Promise.race(pending ? [pending, tick] : [tick]);
    if (winner === undefined) throw signal.reason;
    return winner;
  } finally {
    timer.abort();
    linked.dispose();
  }
}
