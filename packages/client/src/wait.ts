import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { linkSignals, sleep } from './abort.js';
import { type CompletionSource, waitOnCompletions } from './completions.js';
import { IicsAbortedError, IicsError, IicsInvalidArgumentError, IicsWaitTimeoutError } from './errors.js';
import { DEFAULT_NOT_FOUND_AFTER_MS, NotListedWatch } from './not-found.js';
import { describe, type IicsLogger } from './options.js';
import type { JobRef, JobStatus } from './status.js';

export interface WaitOptions {
  /** Time between polls. Default 10 000 ms (RunAJob waits at least that long between calls too). */
  pollIntervalMs?: number;
  /** Give up waiting after this long with IICS_WAIT_TIMEOUT; the job goes on. Default: no limit. */
  timeoutMs?: number;
  /**
   * A run in neither the activity monitor nor the activity log for this long ends the wait with
   * IICS_RUN_NOT_FOUND (a run id that does not exist). Default 120 000 ms.
   */
  notFoundAfterMs?: number;
  /** Stops waiting with IICS_ABORTED; the job goes on. */
  signal?: AbortSignal;
  /** Called with every status polled, including the final one. */
  onUpdate?: (status: JobStatus) => void;
  /**
   * Ends the wait when the run's callback arrives (`createCompletionHub()` of @iics-jobs/callback-express),
   * then reads the status once; polling every `fallbackPollIntervalMs` catches a callback that never comes.
   */
  completions?: CompletionSource;
  /** With `completions`: time to the first fallback poll; the next ones double it, up to 5 times it. Default 60 000 ms. */
  fallbackPollIntervalMs?: number;
  /** `jobs.run` only: the receiver's URL (as `callbackUrl()` built it), sent as the job's `callbackURL`. */
  callbackBaseUrl?: string;
}

/** The final status, and how the wait got it. */
export type WaitResult = JobStatus & {
  /** `callback`: the callback ended the wait; `poll`: a status poll saw the end. */
  endedBy: 'callback' | 'poll';
  /** Status reads the wait made (each one activityMonitor request, plus activityLog once the run left the monitor). */
  statusRequests: number;
  /** The callback that ended the wait. */
  callback?: CallbackUrlResponse;
};

export const DEFAULT_POLL_INTERVAL_MS = 10_000;
/** The largest `pollIntervalMs` and `timeoutMs` (what a Node.js timer can hold, about 24.8 days). */
export const MAX_WAIT_MS = 2 ** 31 - 1;

/** `ended`: the run is known to have ended (its callback came), so the activity log is asked first. */
export type StatusFn = (ref: JobRef, options: { signal: AbortSignal; notListed: 'QUEUED' | 'RUNNING'; ended?: boolean }) => Promise<JobStatus>;

export function checkWaitOptions(options: unknown): WaitOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw new IicsInvalidArgumentError('options', 'wait options must be an object: { pollIntervalMs?, timeoutMs?, signal?, onUpdate? }.');
  }
  const o = options as WaitOptions;
  for (const key of ['pollIntervalMs', 'timeoutMs', 'fallbackPollIntervalMs', 'notFoundAfterMs'] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 1 || v > MAX_WAIT_MS)) {
      throw new IicsInvalidArgumentError(key, `${key} must be a number of milliseconds from 1 to ${MAX_WAIT_MS} (got ${describe(v)}).`);
    }
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new IicsInvalidArgumentError('signal', 'signal must be an AbortSignal.');
  }
  if (o.onUpdate !== undefined && typeof o.onUpdate !== 'function') {
    throw new IicsInvalidArgumentError('onUpdate', 'onUpdate must be a function.');
  }
  if (o.completions !== undefined && (o.completions === null || typeof (o.completions as Partial<CompletionSource>).waitFor !== 'function')) {
    throw new IicsInvalidArgumentError('completions', 'completions must have waitFor({ taskId, runId }, signal), e.g. createCompletionHub() of @iics-jobs/callback-express.');
  }
  if (o.callbackBaseUrl !== undefined && typeof o.callbackBaseUrl !== 'string') {
    throw new IicsInvalidArgumentError('callbackBaseUrl', `callbackBaseUrl must be the receiver's URL as a string (got ${describe(o.callbackBaseUrl)}).`);
  }
  return o;
}

/**
 * Polls until the run ends. A run in neither the monitor nor the log is "not listed yet" before it
 * was ever seen (QUEUED) and "between monitor and log" after (RUNNING): neither is an error.
 */
export async function waitForJob(ref: JobRef, options: WaitOptions, status: StatusFn, logger: IicsLogger = {}): Promise<WaitResult> {
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const deadline = new AbortController();
  const timer = options.timeoutMs !== undefined ? setTimeout(() => deadline.abort(), options.timeoutMs) : undefined;
  const linked = linkSignals(options.signal, deadline.signal);
  let last: JobStatus | undefined;
  let seen = false;
  const notListed = new NotListedWatch(ref, options.notFoundAfterMs ?? DEFAULT_NOT_FOUND_AFTER_MS);
  try {
    if (options.completions) {
      const completions = options.completions;
      return await waitOnCompletions(ref, { ...options, pollIntervalMs: interval, completions }, status, linked.signal, logger, (s) => {
        last = s;
      });
    }
    for (let reads = 1; ; reads += 1) {
      const current = await status(ref, { signal: linked.signal, notListed: seen ? 'RUNNING' : 'QUEUED' });
      last = current;
      if (current.source !== 'none') seen = true;
      options.onUpdate?.(current);
      if (current.terminal) return { ...current, endedBy: 'poll', statusRequests: reads };
      notListed.check(current);
      await sleep(interval, linked.signal);
    }
  } catch (error) {
    if (deadline.signal.aborted && !options.signal?.aborted) {
      // A callback wait may time out before its first fallback poll: one read, so the error says where the run is.
      last ??= await lastWords(ref, status, options.signal);
      throw new IicsWaitTimeoutError(
        `Run ${ref.runId} of task ${ref.taskId} was still ${last?.state ?? 'not listed'} after ${options.timeoutMs} ms; it goes on without us.`,
        { ...ref, timeoutMs: options.timeoutMs!, ...(last ? { lastStatus: last } : {}) },
      );
    }
    if (options.signal?.aborted) {
      throw new IicsAbortedError(`Stopped waiting for run ${ref.runId} of task ${ref.taskId}; the job goes on.`, {
        ...ref,
        ...(last ? { lastStatus: last } : {}),
        cause: error instanceof IicsError ? error : options.signal.reason,
      });
    }
    throw error;
  } finally {
    if (timer) clearTimeout(timer);
    linked.dispose();
  }
}

/** One status read at the timeout, for a wait that has not read any yet; at most 5 s, and nothing if it fails. */
async function lastWords(ref: JobRef, status: StatusFn, signal: AbortSignal | undefined): Promise<JobStatus | undefined> {
  const linked = linkSignals(signal, AbortSignal.timeout(5_000));
  try {
    return await status(ref, { signal: linked.signal, notListed: 'QUEUED' });
  } catch {
    return undefined;
  } finally {
    linked.dispose();
  }
}
