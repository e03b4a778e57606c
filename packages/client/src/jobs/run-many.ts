import { isTaskType, TASK_TYPES, type JobRuntime, type TaskTypeName } from '@iics-jobs/schema';
import { IicsAbortedError, IicsInvalidArgumentError, IicsWaitTimeoutError } from '../errors.js';
import type { StartJobRequest, StartedJob, StopJobRequest } from '../jobs.js';
import type { CallOptions } from '../lookup.js';
import { describe } from '../options.js';
import type { JobRef, JobStatus } from '../status.js';
import { isPattern } from '../tasks/match.js';
import type { TaskObject } from '../tasks/list.js';
import { checkWaitOptions, type WaitOptions } from '../wait.js';
import { batchKeys, type BatchItem } from './batch-items.js';

interface JobSettings {
  callbackURL?: string;
  parameterFile?: { name: string; dir: string };
  runtime?: JobRuntime;
}

/**
 * One entry of a batch: a request as `jobs.start` takes it, or a pattern: a `path` (or a
 * `taskName`, in the Default folder) with `*`, `?` or `**`. A pattern's `taskType` is optional:
 * each task it matches runs with its own type. A `path` without a `taskType` is found like a pattern.
 */
export type RunManyRequest =
  | StartJobRequest
  | ({ path: string; taskType?: TaskTypeName; taskId?: never; taskFederatedId?: never; taskName?: never } & JobSettings)
  | ({ taskName: string; taskType?: TaskTypeName; taskId?: never; taskFederatedId?: never; path?: never } & JobSettings);

export interface RunManyOptions extends WaitOptions {
  /** How many tasks run at once (default 1: one after the other, in order). */
  concurrency?: number;
  /** After the first task that fails (or cannot start), start no more; those running end on their own. */
  stopOnFailure?: boolean;
  /** When `signal` aborts, the running jobs are stopped: cleanly with `cleanStop: true`. */
  cleanStop?: boolean;
  /** Called when a task has started. */
  onStart?: (started: StartedJob, result: RunManyResult, index: number) => void;
  /** Called when a task's result is final (also for tasks skipped). */
  onResult?: (result: RunManyResult, index: number) => void;
}

export interface RunManyResult {
  /** What was run: the request as given, or for a pattern, the request for one task it matched. */
  request: RunManyRequest;
  /** The pattern the task came from. */
  pattern?: string;
  /** The task a pattern matched (path, name, type, federated id). */
  task?: TaskObject;
  started?: StartedJob;
  /** The final status; for a wait that timed out, the last status seen. */
  status?: JobStatus;
  /** Why the task has no final status: it could not start, the wait failed or timed out, or no task matched the pattern. */
  error?: Error;
  /** Not started: an earlier task failed (`stopOnFailure`) or the signal aborted. */
  skipped?: 'stop-on-failure' | 'aborted';
  /** The job was running when the signal aborted: whether the stop request succeeded. */
  stopped?: boolean;
  /** Why the stop after an abort failed (the run may have ended meanwhile). */
  stopError?: Error;
}

export interface RunManyDeps {
  start(request: StartJobRequest, options: CallOptions): Promise<StartedJob>;
  wait(ref: JobRef, options: WaitOptions): Promise<JobStatus>;
  stop(request: StopJobRequest, options: CallOptions): Promise<unknown>;
  match(pattern: string, type: string | undefined, options: CallOptions): Promise<TaskObject[]>;
}

export const MAX_CONCURRENCY = 100;
// Stop requests after an abort cannot use the aborted signal; they get this long each.
const STOP_TIMEOUT_MS = 30_000;
const OPTION_KEYS = new Set([
  'concurrency',
  'stopOnFailure',
  'cleanStop',
  'onStart',
  'onResult',
  // The wait options, as jobs.run takes them.
  'pollIntervalMs',
  'timeoutMs',
  'signal',
  'onUpdate',
  'completions',
  'fallbackPollIntervalMs',
  'callbackBaseUrl',
]);

/** Runs a batch: see `client.jobs.runMany`. Resolves with one result per task, in request order; never rejects for a task's failure. */
export async function runMany(deps: RunManyDeps, requests: unknown, options: RunManyOptions = {}): Promise<RunManyResult[]> {
  const list = checkRequests(requests);
  const opts = checkOptions(options);
  const twice = opts.callbackBaseUrl !== undefined ? list.findIndex((r) => r.callbackURL !== undefined) : -1;
  if (twice >= 0) {
    throw new IicsInvalidArgumentError(`requests[${twice}].callbackURL`, `requests[${twice}]: give the callback URL once: as callbackURL in the request or as callbackBaseUrl, not both.`);
  }
  const signal = opts.signal;
  const items: BatchItem[] = [];

  // Patterns are resolved first, in order, so that the batch is known before anything starts.
  for (const [index, request] of list.entries()) {
    const pattern = patternOf(request);
    if (pattern === undefined) {
      items.push({ result: { request }, keys: batchKeys(request) });
      continue;
    }
    if (signal?.aborted) {
      items.push({ result: { request, pattern, skipped: 'aborted' }, keys: new Set() });
      continue;
    }
    try {
      const matched = await deps.match(pattern, request.taskType, signal ? { signal } : {});
      for (const task of matched) {
        if (!isTaskType(task.type)) continue;
        const concrete = { ...settingsOf(request), taskFederatedId: task.id, taskType: task.type } as StartJobRequest;
        items.push({ result: { request: concrete, pattern, task }, keys: batchKeys(concrete, task) });
      }
    } catch (error) {
      if (error instanceof IicsInvalidArgumentError) throw relabel(error, index);
      items.push({ result: { request, pattern, error: error as Error }, keys: new Set(), failedEarly: true });
    }
  }
  return schedule(deps, items, opts);
}

function schedule(deps: RunManyDeps, items: BatchItem[], opts: RunManyOptions): Promise<RunManyResult[]> {
  const concurrency = opts.concurrency ?? 1;
  const signal = opts.signal;
  const busy = new Map<string, number>();
  let running = 0;
  let stopping = false;
  // A callback that throws must not stall the batch: the batch ends, then rejects with it.
  let callbackError: { error: unknown } | undefined;
  const guard = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      callbackError ??= { error };
    }
  };
  const hooks: Hooks = {
    started: (started, item, index) => {
      // Known by its v2 id from now on too, however the request named it.
      const key = `id:${started.taskId}`;
      if (!item.keys.has(key)) {
        item.keys.add(key);
        busy.set(key, (busy.get(key) ?? 0) + 1);
      }
      guard(() => opts.onStart?.(started, item.result, index));
    },
  };

  return new Promise((resolve, reject) => {
    const onAbort = (): void => queueMicrotask(pump);
    const settle = (item: BatchItem, index: number): void => {
      item.state = 'done';
      guard(() => opts.onResult?.(item.result, index));
    };
    function pump(): void {
      while (running < concurrency && !stopping && !signal?.aborted) {
        const index = items.findIndex((item) => item.state === undefined && [...item.keys].every((key) => !busy.has(key)));
        if (index < 0) break;
        launch(items[index]!, index);
      }
      if (running > 0) return;
      for (const [index, item] of items.entries()) {
        if (item.state !== undefined) continue;
        if (item.result.skipped === undefined) item.result.skipped = signal?.aborted ? 'aborted' : 'stop-on-failure';
        settle(item, index);
      }
      signal?.removeEventListener('abort', onAbort);
      if (callbackError) reject(callbackError.error);
      else resolve(items.map((item) => item.result));
    }
    const launch = (item: BatchItem, index: number): void => {
      item.state = 'running';
      running += 1;
      for (const key of item.keys) busy.set(key, (busy.get(key) ?? 0) + 1);
      void runOne(deps, item, index, opts, hooks).then((failed) => {
        running -= 1;
        for (const key of item.keys) {
          const n = (busy.get(key) ?? 1) - 1;
          if (n <= 0) busy.delete(key);
          else busy.set(key, n);
        }
        if (failed && opts.stopOnFailure) stopping = true;
        settle(item, index);
        pump();
      });
    };
    // A signal that aborts while nothing runs still has to end the batch.
    signal?.addEventListener('abort', onAbort, { once: true });
    pump();
  });
}

interface Hooks {
  started(started: StartedJob, item: BatchItem, index: number): void;
}

/** Starts and waits for one task; true when it failed. Never throws. */
async function runOne(deps: RunManyDeps, item: BatchItem, index: number, opts: RunManyOptions, hooks: Hooks): Promise<boolean> {
  const result = item.result;
  if (item.failedEarly) return true;
  const signal = opts.signal;
  try {
    // A start already sent is let finish (it has its own timeout): aborted halfway, the job could
    // run in IICS with no runId known here to stop.
    const request = result.request as StartJobRequest;
    // As jobs.run does: callbackBaseUrl is the job's callbackURL (checked against one in the request up front).
    const started = await deps.start(opts.callbackBaseUrl !== undefined ? { ...request, callbackURL: opts.callbackBaseUrl } : request, {});
    result.started = started;
    hooks.started(started, item, index);
    if (signal?.aborted) throw new IicsAbortedError(`The batch was aborted as run ${started.runId} of task ${started.taskId} started.`, { taskId: started.taskId, runId: started.runId });
    result.status = await deps.wait(
      { taskId: started.taskId, runId: started.runId },
      {
        ...(opts.pollIntervalMs !== undefined ? { pollIntervalMs: opts.pollIntervalMs } : {}),
        ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
        ...(signal ? { signal } : {}),
        ...(opts.onUpdate ? { onUpdate: opts.onUpdate } : {}),
        ...(opts.completions ? { completions: opts.completions } : {}),
        ...(opts.fallbackPollIntervalMs !== undefined ? { fallbackPollIntervalMs: opts.fallbackPollIntervalMs } : {}),
      },
    );
    return !(result.status.state === 'SUCCESS' || result.status.state === 'WARNING');
  } catch (error) {
    result.error = error as Error;
    if ((error instanceof IicsWaitTimeoutError || error instanceof IicsAbortedError) && isJobStatus(error.lastStatus)) result.status = error.lastStatus;
    if (signal?.aborted && result.started) await stopAfterAbort(deps, result, opts.cleanStop === true);
    return true;
  }
}

async function stopAfterAbort(deps: RunManyDeps, result: RunManyResult, cleanStop: boolean): Promise<void> {
  const started = result.started!;
  try {
    await deps.stop(
      { taskId: started.taskId, taskType: started.taskType as TaskTypeName, ...(cleanStop ? { cleanStop: true } : {}) },
      { signal: AbortSignal.timeout(STOP_TIMEOUT_MS) },
    );
    result.stopped = true;
  } catch (error) {
    // The run may have ended meanwhile; the wait's abort stays the result's error.
    result.stopped = false;
    result.stopError = error as Error;
  }
}

// A wait error carries the last status of a job run (not of a file ingestion run, which has no taskId).
function isJobStatus(status: unknown): status is JobStatus {
  return status !== null && typeof status === 'object' && typeof (status as { taskId?: unknown }).taskId === 'string';
}

function patternOf(request: RunManyRequest): string | undefined {
  // A path without a type is found the same way: v3 objects tell its type.
  if (typeof request.path === 'string' && (isPattern(request.path) || request.taskType === undefined)) return request.path;
  // A name reaches the Default folder only, as for a start by taskName.
  if (typeof request.taskName === 'string' && isPattern(request.taskName)) return `Default/${request.taskName}`;
  return undefined;
}

function settingsOf(request: RunManyRequest): JobSettings {
  const out: JobSettings = {};
  if (request.callbackURL !== undefined) out.callbackURL = request.callbackURL;
  if (request.parameterFile !== undefined) out.parameterFile = request.parameterFile;
  if (request.runtime !== undefined) out.runtime = request.runtime;
  return out;
}

function checkRequests(requests: unknown): RunManyRequest[] {
  if (!Array.isArray(requests) || requests.length === 0) {
    throw new IicsInvalidArgumentError('requests', 'runMany needs a non-empty array of requests such as [{ path: "Sales/*/MT_*", taskType: "MTT" }].');
  }
  return requests.map((request: unknown, index) => {
    if (request === null || typeof request !== 'object' || Array.isArray(request)) {
      throw new IicsInvalidArgumentError(`requests[${index}]`, `requests[${index}] must be an object such as { taskName: "MT_Load", taskType: "MTT" }.`);
    }
    const r = request as Record<string, unknown>;
    const found = typeof r.path === 'string' || (typeof r.taskName === 'string' && isPattern(r.taskName));
    if (r.taskType === undefined && !found) {
      throw new IicsInvalidArgumentError(`requests[${index}].taskType`, `requests[${index}] needs a taskType (${TASK_TYPES.join(', ')}); only a path or a pattern may leave it out.`);
    }
    if (r.taskType !== undefined && !isTaskType(typeof r.taskType === 'string' ? r.taskType.toUpperCase() : r.taskType)) {
      throw new IicsInvalidArgumentError(`requests[${index}].taskType`, `requests[${index}].taskType must be one of ${TASK_TYPES.join(', ')} (got ${describe(r.taskType)}).`);
    }
    return request as RunManyRequest;
  });
}

function checkOptions(options: unknown): RunManyOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new IicsInvalidArgumentError('options', 'runMany options must be an object: { concurrency?, stopOnFailure?, cleanStop?, pollIntervalMs?, timeoutMs?, signal? }.');
  }
  for (const key of Object.keys(options)) {
    if (!OPTION_KEYS.has(key)) throw new IicsInvalidArgumentError(key, `runMany: unknown option "${key}"; the options are ${[...OPTION_KEYS].join(', ')}.`);
  }
  const o = checkWaitOptions(options) as RunManyOptions;
  if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1 || o.concurrency > MAX_CONCURRENCY)) {
    throw new IicsInvalidArgumentError('concurrency', `concurrency must be a whole number from 1 to ${MAX_CONCURRENCY} (got ${describe(o.concurrency)}).`);
  }
  for (const key of ['stopOnFailure', 'cleanStop'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'boolean') throw new IicsInvalidArgumentError(key, `${key} must be true or false (got ${describe(o[key])}).`);
  }
  for (const key of ['onStart', 'onResult'] as const) {
    if (o[key] !== undefined && typeof o[key] !== 'function') throw new IicsInvalidArgumentError(key, `${key} must be a function.`);
  }
  return o;
}

function relabel(error: IicsInvalidArgumentError, index: number): IicsInvalidArgumentError {
  return new IicsInvalidArgumentError(`requests[${index}].${error.field}`, `requests[${index}]: ${error.message}`);
}
