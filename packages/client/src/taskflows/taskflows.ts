import { parseTaskflowRunResponse, parseTaskflowStatus, type TaskflowRunResponse, type TaskflowStatus as TaskflowStatusBody } from '@iics-jobs/schema';
import { linkSignals, sleep } from '../abort.js';
import type { ApiCall, ApiClient, CallTarget } from '../api.js';
import { IicsAbortedError, IicsApiError, IicsError, IicsInvalidArgumentError, IicsInvalidResponseError, IicsTaskNotFoundError, IicsWaitTimeoutError } from '../errors.js';
import type { CallOptions } from '../lookup.js';
import type { IicsLogger } from '../options.js';
import type { Session } from '../session.js';
import { DEFAULT_POLL_INTERVAL_MS, checkWaitOptions } from '../wait.js';
import { checkRunId, checkStartRequest, type StartTaskflowRequest } from './checks.js';
import { parseJsonKeepingRunIds } from './json.js';
import type { TaskflowOptions } from './options.js';
import { taskflowStatusFrom, type TaskflowStatus } from './status.js';

/** The documented limit of run ids per terminate call. */
export const TERMINATE_BATCH = 200;

export interface StartedTaskflow {
  runId: string;
  /** The answer as the server sent it (run ids as strings). */
  raw: TaskflowRunResponse;
}

export interface TaskflowWaitOptions {
  pollIntervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  onUpdate?: (status: TaskflowStatus) => void;
}

export interface ResumeOptions extends CallOptions {
  /** Skip the faulted step and go on with the next (resumeWithFaultSkip); default: run it again (resumeWithFaultRetry). */
  skipFault?: boolean;
}

export interface TerminateResult {
  /** The run ids sent, in order, without repeats. */
  runIds: string[];
  /** How many calls it took (at most 200 ids per call). */
  calls: number;
}

/** Advanced taskflows published as APIs: /active-bpel on the POD host (or `taskflowBaseUrl`). */
export class Taskflows {
  readonly #api: ApiClient;
  readonly #target: CallTarget;
  readonly #logger: IicsLogger;

  constructor(api: ApiClient, options: TaskflowOptions, logger: IicsLogger) {
    this.#api = api;
    this.#logger = logger;
    const { auth, baseUrl } = options;
    this.#target = {
      needsSession: auth.type === 'session' || baseUrl === undefined,
      // The POD host is serverUrl / baseApiUrl without its /saas, as working clients build it.
      url: (session: Session | undefined) => new URL(baseUrl ?? session!.baseUrl.replace(/\/saas$/, '')),
      headers: (session: Session | undefined): Record<string, string> =>
        auth.type === 'basic' ? { authorization: auth.authorization } : { [auth.header]: session!.id },
    };
  }

  async start(request: StartTaskflowRequest, options: CallOptions = {}): Promise<StartedTaskflow> {
    const req = checkStartRequest(request);
    const get = req.method === 'GET';
    const path = `/active-bpel/rt/${req.apiName}`;
    let raw: TaskflowRunResponse;
    try {
      raw = await this.#call({
        method: req.method,
        path,
        ...(get && req.input ? { query: req.input as Record<string, string | number | boolean> } : {}),
        ...(!get ? { body: req.input ?? {} } : {}),
        // Non-ASCII instance names must be URL-encoded, as Informatica documents.
        ...(req.instanceName !== undefined ? { headers: { 'TF-INSTANCE-NAME': encodeURIComponent(req.instanceName) } } : {}),
        // A second run request would start the taskflow twice.
        kind: 'write',
        parse: parseTaskflowRunResponse,
        schemaName: 'TaskflowRunResponse',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      if (error instanceof IicsApiError && error.status === 404 && error.operation === `${req.method} ${path}`) {
        throw new IicsTaskNotFoundError(`No published taskflow has the API name "${req.apiName}" (HTTP 404): ${error.description ?? 'not found'}`, {
          task: { apiName: req.apiName, taskType: 'TASKFLOW' },
          status: 404,
          ...(error.iicsCode ? { iicsCode: error.iicsCode } : {}),
          ...(error.description ? { description: error.description } : {}),
        });
      }
      throw error;
    }
    // The documentation does not show the key's casing: working clients read RunId, then runId.
    const wire = raw.RunId ?? raw.runId;
    const runId = typeof wire === 'string' ? wire : undefined;
    if (runId === undefined || !/^\d{1,20}$/.test(runId)) {
      throw new IicsInvalidResponseError(`${req.method} ${path} answered no run id (RunId or runId).`, {
        operation: `${req.method} ${path}`,
        status: 200,
        issues: [{ path: '/RunId', message: 'a run id of digits is required' }],
      });
    }
    this.#logger.info?.('Started IICS taskflow', { apiName: req.apiName, runId, instanceName: req.instanceName });
    return { runId, raw };
  }

  async status(runId: string, options: CallOptions = {}): Promise<TaskflowStatus> {
    const id = checkRunId(runId);
    const body = await this.#call<TaskflowStatusBody>({
      method: 'GET',
      path: `/active-bpel/services/tf/status/${id}`,
      kind: 'read',
      parse: parseTaskflowStatus,
      schemaName: 'TaskflowStatus',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return taskflowStatusFrom(body, id);
  }

  /** Polls until the run ends or is SUSPENDED (a person must resume it); IICS_WAIT_TIMEOUT after `timeoutMs`. */
  async wait(runId: string, options: TaskflowWaitOptions = {}): Promise<TaskflowStatus> {
    const id = checkRunId(runId);
    const o = checkWaitOptions(options as never) as TaskflowWaitOptions;
    const deadline = new AbortController();
    const timer = o.timeoutMs !== undefined ? setTimeout(() => deadline.abort(), o.timeoutMs) : undefined;
    const linked = linkSignals(o.signal, deadline.signal);
    let last: TaskflowStatus | undefined;
    try {
      for (;;) {
        last = await this.status(id, { signal: linked.signal });
        o.onUpdate?.(last);
        if (last.terminal) return last;
        if (last.suspended) {
          this.#logger.warn?.('IICS taskflow run is SUSPENDED: resume it (taskflows.resume) or terminate it', { runId: id });
          return last;
        }
        await sleep(o.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, linked.signal);
      }
    } catch (error) {
      if (deadline.signal.aborted && !o.signal?.aborted) {
        throw new IicsWaitTimeoutError(`Taskflow run ${id} was still ${last?.state ?? 'not answered'} after ${o.timeoutMs} ms; it goes on without us.`, {
          runId: id,
          timeoutMs: o.timeoutMs!,
          ...(last ? { lastStatus: last } : {}),
        });
      }
      if (o.signal?.aborted) {
        throw new IicsAbortedError(`Stopped waiting for taskflow run ${id}; the run goes on.`, {
          runId: id,
          ...(last ? { lastStatus: last } : {}),
          cause: error instanceof IicsError ? error : o.signal.reason,
        });
      }
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      linked.dispose();
    }
  }

  async run(request: StartTaskflowRequest, options: TaskflowWaitOptions = {}): Promise<TaskflowStatus> {
    const checked = checkWaitOptions(options as never) as TaskflowWaitOptions;
    const started = await this.start(request, checked.signal ? { signal: checked.signal } : {});
    return this.wait(started.runId, checked);
  }

  /** Terminates the runs, 200 per call as the resource allows; every id is checked before the first call. */
  async terminate(runIds: readonly string[] | string, options: CallOptions = {}): Promise<TerminateResult> {
    const list = typeof runIds === 'string' ? [runIds] : runIds;
    if (!Array.isArray(list) || list.length === 0) throw new IicsInvalidArgumentError('runIds', 'terminate needs one run id or a non-empty array of them.');
    const ids = [...new Set(list.map((id, i) => checkRunId(id, `runIds[${i}]`)))];
    let calls = 0;
    for (let i = 0; i < ids.length; i += TERMINATE_BATCH) {
      const batch = ids.slice(i, i + TERMINATE_BATCH);
      try {
        await this.#call({
          method: 'PUT',
          path: '/active-bpel/services/tf/terminate',
          body: { runid: batch },
          kind: 'write',
          ...(options.signal ? { signal: options.signal } : {}),
        });
      } catch (error) {
        if (i > 0 && error instanceof Error) error.message += ` (the first ${i} of ${ids.length} run ids were terminated)`;
        throw error;
      }
      calls++;
    }
    this.#logger.info?.('Terminated IICS taskflow runs', { count: ids.length, calls });
    return { runIds: ids, calls };
  }

  /** Resumes a SUSPENDED run: its faulted step again, or the next one with `skipFault`. */
  async resume(runId: string, options: ResumeOptions = {}): Promise<void> {
    const id = checkRunId(runId);
    if (options === null || typeof options !== 'object') throw new IicsInvalidArgumentError('options', 'resume options must be an object: { skipFault?, signal? }.');
    if (options.skipFault !== undefined && typeof options.skipFault !== 'boolean') {
      throw new IicsInvalidArgumentError('skipFault', 'skipFault must be true or false.');
    }
    const signal = options.signal ? { signal: options.signal } : {};
    // Checked first so that the error says what the run is doing, and nothing is sent for a run that is not waiting.
    const current = await this.status(id, signal);
    if (!current.suspended) {
      throw new IicsInvalidArgumentError('runId', `Taskflow run ${id} is ${current.state}, not SUSPENDED: only a suspended run can be resumed.`);
    }
    const resource = options.skipFault === true ? 'resumeWithFaultSkip' : 'resumeWithFaultRetry';
    await this.#call({ method: 'PUT', path: `/active-bpel/management/runtime/v1/${resource}/${id}`, kind: 'write', ...signal });
    this.#logger.info?.('Resumed IICS taskflow run', { runId: id, skipFault: options.skipFault === true });
  }

  #call<T>(call: Omit<ApiCall<T>, 'family' | 'target' | 'decode' | 'parseText'>): Promise<T> {
    const target: CallTarget = {
      needsSession: this.#target.needsSession,
      headers: this.#target.headers,
      url: (session) => {
        const base = this.#target.url(session);
        return new URL(`${base.href.replace(/\/+$/, '')}${call.path}`);
      },
    };
    return this.#api.call<T>({ ...call, family: 'v3', target, parseText: parseJsonKeepingRunIds });
  }
}
