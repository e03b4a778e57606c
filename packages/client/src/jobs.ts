import {
  TASK_TYPES,
  formatIssues,
  isCallbackUrl,
  isTaskType,
  parseActivityLogEntry,
  parseActivityMonitorEntry,
  parseJobRequest,
  parseJobResponse,
  parseJobRuntime,
  parseJobStopRequest,
  parseSuccessResponse,
  type JobRequest,
  type JobResponse,
  type JobRuntime,
  type JobStopRequest,
  type SuccessResponse,
  type TaskTypeName,
} from '@iics-jobs/schema';
import { arrayOf, type ApiClient } from './api.js';
import { channels, traced, type StartMessage } from './diagnostics.js';
import { IicsApiError, IicsInvalidArgumentError, IicsTaskNotFoundError } from './errors.js';
import type { CallOptions, TaskLookup } from './lookup.js';
import { describe, type IicsLogger } from './options.js';
import {
  findLogEntry,
  findMonitorEntry,
  statusFromLog,
  statusFromMonitor,
  statusNotListed,
  type JobRef,
  type JobStatus,
} from './status.js';
import { statusUntilListed } from './not-found.js';
import { checkWaitOptions, waitForJob, type WaitOptions, type WaitResult } from './wait.js';

/** Exactly one of these names the task. `path` is resolved to a federated id through `tasks.lookup`. */
export type TaskSelector =
  | { taskId: string; taskFederatedId?: never; taskName?: never; path?: never }
  | { taskFederatedId: string; taskId?: never; taskName?: never; path?: never }
  | { taskName: string; taskId?: never; taskFederatedId?: never; path?: never }
  | { path: string; taskId?: never; taskFederatedId?: never; taskName?: never };

export type StartJobRequest = TaskSelector & {
  taskType: TaskTypeName;
  /** IICS posts the end of the job here (see @iics-jobs/callback-express). */
  callbackURL?: string;
  /** A parameter file on the Secure Agent machine. */
  parameterFile?: { name: string; dir: string };
  runtime?: JobRuntime;
};

export type StopJobRequest = TaskSelector & {
  taskType: TaskTypeName;
  /** Sends `?cleanStop=true`: stop cleanly. */
  cleanStop?: boolean;
};

/** The start answer: the v2 taskId (even when started by another name) and the runId, plus every other field IICS sent. */
export type StartedJob = JobResponse & { taskId: string; runId: number; taskType: string; taskName?: string };

export type StatusOptions = CallOptions & {
  /**
   * When given, a run in neither the activity monitor nor the activity log is asked for again (every
   * 2 s at most) until it shows up or this many ms pass: then IICS_RUN_NOT_FOUND. Without it, such a run is QUEUED.
   */
  notFoundAfterMs?: number;
};

/** The job start resource, and the `operation` an error of the start request itself carries. */
const START_PATH = '/api/v2/job';
export const START_OPERATION = `POST ${START_PATH}`;
const STOP_PATH = '/api/v2/job/stop';
const STOP_OPERATION = `POST ${STOP_PATH}`;

const SELECTORS = ['taskId', 'taskFederatedId', 'taskName', 'path'] as const;
const START_KEYS = new Set<string>([...SELECTORS, 'taskType', 'callbackURL', 'parameterFile', 'runtime']);
const STOP_KEYS = new Set<string>([...SELECTORS, 'taskType', 'cleanStop']);
// IICS codes that say the named task does not exist: "No object named … exists", "Object identifier is invalid or missing".
const UNKNOWN_TASK_CODES = new Set(['APP_13436', 'APP_13404']);

export class Jobs {
  readonly #api: ApiClient;
  readonly #lookup: TaskLookup;
  readonly #logger: IicsLogger;

  constructor(api: ApiClient, lookup: TaskLookup, logger: IicsLogger) {
    this.#api = api;
    this.#lookup = lookup;
    this.#logger = logger;
  }

  /** Starts a task or linear taskflow. Never sent twice unless the connection failed before sending. */
  start(request: StartJobRequest, options: CallOptions = {}): Promise<StartedJob> {
    return traced(
      channels.start,
      (): StartMessage => ({ ...taskMessage(request), callback: request?.callbackURL !== undefined }),
      async (message) => {
        const started = await this.#start(request, options);
        // Not the whole answer: IICS echoes the callbackURL, whose query may hold the receiver's secret.
        if (message) message.result = { taskId: started.taskId, runId: started.runId, taskType: started.taskType, ...(started.taskName ? { taskName: started.taskName } : {}) };
        return started;
      },
      false,
    );
  }

  async #start(request: StartJobRequest, options: CallOptions): Promise<StartedJob> {
    const req = checkObject(request, 'jobs.start', START_KEYS);
    const selector = checkSelector(req);
    const taskType = checkTaskType(req.taskType);
    const body: JobRequest = { '@type': 'job', taskType };
    await this.#name(body, selector, taskType, options);

    if (req.callbackURL !== undefined) body.callbackURL = checkCallbackUrl(req.callbackURL);
    const runtime = checkRuntime(req.runtime, req.parameterFile);
    if (runtime) {
      body.runtime = runtime;
      // Where IICS reads the parameter file is unconfirmed: the reference lists the fields at the top
      // level, working clients nest them in runtime. Both are sent.
      if (runtime.parameterFileName) body.parameterFileName = runtime.parameterFileName;
      if (runtime.parameterFileDir) body.parameterFileDir = runtime.parameterFileDir;
    }
    const checked = parseJobRequest(body);
    if (!checked.ok) {
      throw new IicsInvalidArgumentError(checked.errors[0]?.path.slice(1) || 'request', `Invalid job request: ${formatIssues(checked.errors)}`);
    }

    let answer: JobResponse;
    try {
      answer = await this.#api.call({
        method: 'POST',
        family: 'v2',
        path: START_PATH,
        body,
        kind: 'write',
        parse: parseJobResponse,
        schemaName: 'JobResponse',
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (error) {
      throw this.#unknownTask(error, START_OPERATION, selector, taskType);
    }
    const started: StartedJob = { ...answer, taskId: answer.taskId, runId: answer.runId, taskType: answer.taskType ?? taskType };
    const taskName = answer.taskName ?? (selector.kind === 'taskName' ? selector.value : undefined);
    if (taskName !== undefined) started.taskName = taskName;
    this.#logger.info?.('Started IICS job', { taskId: started.taskId, runId: started.runId, taskName, taskType: started.taskType });
    return started;
  }

  /** Stops the running task (IICS stops by task, not by run). */
  stop(request: StopJobRequest, options: CallOptions = {}): Promise<SuccessResponse> {
    return traced(channels.stop, () => ({ ...taskMessage(request), cleanStop: request?.cleanStop === true }), () => this.#stop(request, options));
  }

  async #stop(request: StopJobRequest, options: CallOptions): Promise<SuccessResponse> {
    const req = checkObject(request, 'jobs.stop', STOP_KEYS);
    const selector = checkSelector(req);
    const taskType = checkTaskType(req.taskType);
    if (req.cleanStop !== undefined && typeof req.cleanStop !== 'boolean') {
      throw new IicsInvalidArgumentError('cleanStop', `cleanStop must be true or false (got ${describe(req.cleanStop)}).`);
    }
    const body: JobStopRequest = { '@type': 'job', taskType };
    await this.#name(body, selector, taskType, options);
    const checked = parseJobStopRequest(body);
    if (!checked.ok) throw new IicsInvalidArgumentError('request', `Invalid stop request: ${formatIssues(checked.errors)}`);
    try {
      const answer = await this.#api.call({
        method: 'POST',
        family: 'v2',
        path: STOP_PATH,
        ...(req.cleanStop === true ? { query: { cleanStop: true } } : {}),
        body,
        kind: 'write',
        parse: parseSuccessResponse,
        schemaName: 'SuccessResponse',
        ...(options.signal ? { signal: options.signal } : {}),
      });
      this.#logger.info?.('Stopped IICS job', { ...selectorFields(selector), taskType, cleanStop: req.cleanStop === true });
      return answer;
    } catch (error) {
      throw this.#unknownTask(error, STOP_OPERATION, selector, taskType);
    }
  }

  /** The run's state now, from the activity monitor (running) or the activity log (ended). */
  async status(ref: JobRef, options: StatusOptions = {}): Promise<JobStatus> {
    const checked = checkRef(ref);
    const { notFoundAfterMs, ...call } = options;
    if (notFoundAfterMs === undefined) return this.statusWith(checked, { ...call, notListed: 'QUEUED' });
    checkWaitOptions({ notFoundAfterMs });
    return statusUntilListed(checked, notFoundAfterMs, () => this.statusWith(checked, { ...call, notListed: 'QUEUED' }), call.signal);
  }

  /** @internal `notListed`: what a run in neither list is taken to be (QUEUED before it was seen, RUNNING after). */
  statusWith(ref: JobRef, options: StatusOptions & { notListed: 'QUEUED' | 'RUNNING'; ended?: boolean }): Promise<JobStatus> {
    return traced(channels.status, () => ({ taskId: ref.taskId, runId: ref.runId }), () => this.#statusWith(ref, options));
  }

  async #statusWith(ref: JobRef, options: StatusOptions & { notListed: 'QUEUED' | 'RUNNING'; ended?: boolean }): Promise<JobStatus> {
    const signal = options.signal ? { signal: options.signal } : {};
    // A run known to have ended (its callback came) is looked up in the log first: one request, not two.
    if (options.ended) {
      const logged = findLogEntry(await this.#activityLog(ref, signal), ref);
      if (logged) return statusFromLog(ref, logged);
    }
    const monitor = await this.#api.call({
      method: 'GET',
      family: 'v2',
      path: '/api/v2/activity/activityMonitor',
      query: { details: true },
      kind: 'read',
      parse: arrayOf(parseActivityMonitorEntry),
      schemaName: 'ActivityMonitorEntry[]',
      ...signal,
    });
    const running = findMonitorEntry(monitor, ref);
    const fromMonitor = running ? statusFromMonitor(ref, running) : undefined;
    // A run the monitor calls COMPLETED or FAILED may already be logged, with the final state.
    if (fromMonitor && !/^(COMPLETED|FAILED)$/i.test(running!.executionState)) return fromMonitor;

    const ended = findLogEntry(await this.#activityLog(ref, signal), ref);
    if (ended) return statusFromLog(ref, ended);
    return fromMonitor ?? statusNotListed(ref, options.notListed);
  }

  #activityLog(ref: JobRef, signal: { signal?: AbortSignal }) {
    return this.#api.call({
      method: 'GET',
      family: 'v2',
      path: '/api/v2/activity/activityLog',
      query: { taskId: ref.taskId, runId: ref.runId },
      kind: 'read',
      parse: arrayOf(parseActivityLogEntry),
      schemaName: 'ActivityLogEntry[]',
      ...signal,
    });
  }

  /** Polls until the run ends; IICS_WAIT_TIMEOUT (with the last status) when `timeoutMs` passes first. */
  async wait(ref: JobRef, options: WaitOptions = {}): Promise<WaitResult> {
    const checkedRef = checkRef(ref);
    const checked = checkWaitOptions(options);
    return traced(
      channels.wait,
      () => ({ ...checkedRef, ...pick(checked, 'pollIntervalMs'), ...pick(checked, 'timeoutMs') }),
      () => waitForJob(checkedRef, checked, (r, o) => this.statusWith(r, o), this.#logger),
    );
  }

  /** start + wait; with `callbackBaseUrl` the job is started with it as its callbackURL. */
  run(request: StartJobRequest, options: WaitOptions = {}): Promise<WaitResult> {
    return traced(
      channels.run,
      () => ({ ...taskMessage(request), callback: request?.callbackURL !== undefined || options?.callbackBaseUrl !== undefined }),
      () => this.#run(request, options),
    );
  }

  async #run(request: StartJobRequest, options: WaitOptions): Promise<WaitResult> {
    const checked = checkWaitOptions(options);
    let req = request;
    if (checked.callbackBaseUrl !== undefined) {
      if (request?.callbackURL !== undefined) {
        throw new IicsInvalidArgumentError('callbackBaseUrl', 'Give the callback URL once: as callbackURL in the request or as callbackBaseUrl, not both.');
      }
      req = { ...request, callbackURL: checkCallbackUrl(checked.callbackBaseUrl, 'callbackBaseUrl') };
    }
    const started = await this.start(req, checked.signal ? { signal: checked.signal } : {});
    if (checked.completions && req.callbackURL === undefined) {
      this.#logger.warn?.('jobs.run got completions but no callbackURL or callbackBaseUrl: IICS will not call back, so only the fallback polls can end the wait', {
        taskId: started.taskId,
        runId: started.runId,
      });
    }
    return this.wait({ taskId: started.taskId, runId: started.runId }, checked);
  }

  async #name(
    body: { taskId?: string; taskFederatedId?: string; taskName?: string },
    selector: Selector,
    taskType: TaskTypeName,
    options: CallOptions,
  ): Promise<void> {
    if (selector.kind === 'path') {
      const info = await this.#lookup.lookup({ path: selector.value, type: taskType }, options);
      body.taskFederatedId = info.id;
    } else {
      body[selector.kind] = selector.value;
    }
  }

  /** `operation`'s own answer saying the task does not exist; an error of the login on the way (a 404 too) stays as it is. */
  #unknownTask(error: unknown, operation: string, selector: Selector, taskType: TaskTypeName): unknown {
    if (!(error instanceof IicsApiError) || error.operation !== operation) return error;
    const unknown = error.status === 404 || (error.iicsCode !== undefined && UNKNOWN_TASK_CODES.has(error.iicsCode));
    if (!unknown) return error;
    if (selector.kind === 'path') this.#lookup.forget(selector.value, taskType);
    const task = { ...selectorFields(selector), taskType };
    return new IicsTaskNotFoundError(
      `IICS knows no ${taskType} task with ${selector.kind} "${selector.value}": ${error.iicsCode ? `${error.iicsCode}: ` : ''}${error.description ?? `HTTP ${error.status}`}`,
      {
        task,
        status: error.status,
        ...(error.iicsCode ? { iicsCode: error.iicsCode } : {}),
        ...(error.description ? { description: error.description } : {}),
        ...(error.requestId ? { requestId: error.requestId } : {}),
      },
    );
  }
}

type Selector = { kind: (typeof SELECTORS)[number]; value: string };

type TaskFields = Pick<StartMessage, 'taskType' | (typeof SELECTORS)[number]>;

/** The task fields of a start or stop for a diagnostics message: only strings, whatever the caller passed. */
function taskMessage(request: unknown): TaskFields {
  const r = (request !== null && typeof request === 'object' ? request : {}) as Record<string, unknown>;
  const out: TaskFields = { taskType: typeof r.taskType === 'string' ? r.taskType : String(r.taskType) };
  for (const key of SELECTORS) if (typeof r[key] === 'string') out[key] = r[key];
  return out;
}

function pick<T extends object, K extends keyof T>(o: T, key: K): Partial<Pick<T, K>> {
  return o[key] === undefined ? {} : ({ [key]: o[key] } as Pick<T, K>);
}

function selectorFields(selector: Selector): Record<string, string> {
  return { [selector.kind]: selector.value };
}

function checkObject(request: unknown, method: string, allowed: Set<string>): Record<string, unknown> {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new IicsInvalidArgumentError('request', `${method} needs an object such as { taskName: "MT_Load", taskType: "MTT" }.`);
  }
  for (const key of Object.keys(request)) {
    if (!allowed.has(key)) {
      const hint = [...allowed].find((k) => k.toLowerCase() === key.toLowerCase());
      throw new IicsInvalidArgumentError(
        key,
        `${method}: unknown field "${key}"${hint ? `; did you mean "${hint}"?` : `; the fields are ${[...allowed].join(', ')}.`}`,
      );
    }
  }
  return request as Record<string, unknown>;
}

function checkSelector(req: Record<string, unknown>): Selector {
  const given = SELECTORS.filter((k) => req[k] !== undefined);
  if (given.length !== 1) {
    throw new IicsInvalidArgumentError(
      given[1] ?? 'taskId',
      given.length === 0
        ? 'Name the task with one of taskId, taskFederatedId, taskName or path.'
        : `Name the task one way only; got ${given.join(' and ')}.`,
    );
  }
  const kind = given[0]!;
  const value = req[kind];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new IicsInvalidArgumentError(kind, `${kind} must be a non-empty string (got ${describe(value)}).`);
  }
  return { kind, value };
}

/** IICS reads task types in any case (its documentation writes "Workflow"); they are sent in upper case. */
function checkTaskType(value: unknown): TaskTypeName {
  const upper = typeof value === 'string' ? value.toUpperCase() : value;
  if (isTaskType(upper)) return upper;
  throw new IicsInvalidArgumentError('taskType', `taskType must be one of ${TASK_TYPES.join(', ')} (in any case); got ${describe(value)}.`);
}

function checkCallbackUrl(value: unknown, field = 'callbackURL'): string {
  if (typeof value !== 'string') throw new IicsInvalidArgumentError(field, `${field} must be a URL string (got ${describe(value)}).`);
  if (!URL.canParse(value)) throw new IicsInvalidArgumentError(field, `${field} is not a valid URL: ${describe(value)}.`);
  // The spec's rule: IICS POSTs the callback there, so http(s), a host, and no white space
  // (which new URL() would quietly encode).
  if (!isCallbackUrl(value)) {
    throw new IicsInvalidArgumentError(field, `${field} must be an absolute http(s) URL with a host and no white space, one that IICS can reach.`);
  }
  return value;
}

function checkRuntime(runtime: unknown, parameterFile: unknown): JobRuntime | undefined {
  let out: JobRuntime | undefined;
  if (runtime !== undefined) {
    const r = parseJobRuntime(runtime);
    if (!r.ok) throw new IicsInvalidArgumentError('runtime', `runtime is not valid: ${formatIssues(r.errors)}`);
    out = { ...r.value };
  }
  if (parameterFile !== undefined) {
    if (parameterFile === null || typeof parameterFile !== 'object') {
      throw new IicsInvalidArgumentError('parameterFile', 'parameterFile must be { name, dir }: the file name and its directory on the Secure Agent.');
    }
    const { name, dir, ...rest } = parameterFile as Record<string, unknown>;
    const extra = Object.keys(rest)[0];
    if (extra !== undefined) throw new IicsInvalidArgumentError(`parameterFile.${extra}`, `parameterFile takes only name and dir (got "${extra}").`);
    if (typeof name !== 'string' || name === '') throw new IicsInvalidArgumentError('parameterFile.name', `parameterFile.name must be a file name (got ${describe(name)}).`);
    if (typeof dir !== 'string' || dir === '') throw new IicsInvalidArgumentError('parameterFile.dir', `parameterFile.dir must be a directory on the Secure Agent (got ${describe(dir)}).`);
    if (out?.parameterFileName !== undefined || out?.parameterFileDir !== undefined) {
      throw new IicsInvalidArgumentError('parameterFile', 'Give the parameter file either as parameterFile or inside runtime, not both.');
    }
    out = { ...out, parameterFileName: name, parameterFileDir: dir };
  }
  if (out && out['@type'] === undefined) out = { '@type': 'mtTaskRuntime', ...out };
  return out;
}

function checkRef(ref: unknown): JobRef {
  if (ref === null || typeof ref !== 'object') {
    throw new IicsInvalidArgumentError('ref', 'Name the run as { taskId, runId }, as jobs.start returned them.');
  }
  const { taskId, runId } = ref as Record<string, unknown>;
  if (typeof taskId !== 'string' || taskId === '') {
    throw new IicsInvalidArgumentError('taskId', `taskId must be the v2 task id that jobs.start returned (got ${describe(taskId)}).`);
  }
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 0) {
    throw new IicsInvalidArgumentError('runId', `runId must be a non-negative integer (got ${describe(runId)}).`);
  }
  return { taskId, runId };
}
