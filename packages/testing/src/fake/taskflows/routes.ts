import { TaskflowTerminateRequest, formatIssues, parseTaskflowRunResponse, parseTaskflowStatus, parseTaskflowTerminateRequest, parseTaskflowTerminateResponse } from '@iics-jobs/schema';
import type { TaskflowStatus, TaskflowSubtask } from '@iics-jobs/schema';
import { v3Time } from '../../time.js';
import { eachOf, type FakeContext, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v3Error, type RouteResult } from '../errors.js';
import { readRequestBody } from '../request-body.js';
import { authenticate } from './auth.js';
import { API_NAME } from './catalog.js';
import type { FakeTaskflowRun } from './types.js';

const RUN_ID = /^[0-9]{1,20}$/;
const RUN_STATUSES = ['SUCCESS', 'FAILED', 'SUSPENDED', 'RUNNING', 'STOPPED'];
const MAX_ROWS = 50;
const DEFAULT_ROWS = 10;
const DAY_MS = 24 * 60 * 60_000;
/** Terminate takes at most this many run ids per call, as documented. */
export const MAX_TERMINATE_IDS = 200;

/** A path with one trailing parameter after `prefix` (a trailing slash is accepted). */
function under(prefix: string): (path: string) => string | undefined {
  return (path) => {
    if (!path.startsWith(prefix)) return undefined;
    const rest = path.slice(prefix.length).replace(/\/$/, '');
    if (rest === '' || rest.includes('/')) return undefined;
    try {
      return decodeURIComponent(rest);
    } catch {
      return rest;
    }
  };
}

function exactly(expected: string): (path: string) => string | undefined {
  return (path) => (path === expected || path === `${expected}/` ? '' : undefined);
}

function runIdWire(ctx: FakeContext): readonly string[] {
  return ctx.taskflowRunIds === 'number' ? ['RunId', 'runId'] : [];
}

function runTaskflow(method: 'GET' | 'POST'): RouteDefinition {
  return {
    route: 'taskflowRun',
    family: 'v3',
    method,
    auth: false,
    match: under('/active-bpel/rt/'),
    validate: parseTaskflowRunResponse,
    handle(ctx, request): RouteResult {
      const caller = authenticate(ctx, request);
      if ('status' in caller) return caller;
      const apiName = request.param ?? '';
      const taskflow = API_NAME.test(apiName) ? ctx.taskflows.catalog.byApiName(apiName) : undefined;
      if (!taskflow) return v3Error(404, ERROR_CODES.notFound, `No published taskflow has the API name "${apiName.slice(0, 80)}".`);
      let input: Record<string, unknown>;
      if (method === 'GET') input = Object.fromEntries(request.query);
      else if (request.body === undefined) input = {};
      else if (request.body !== null && typeof request.body === 'object' && !Array.isArray(request.body)) input = request.body as Record<string, unknown>;
      else return v3Error(400, ERROR_CODES.badRequest, 'The request body must be a JSON object of the taskflow\'s input fields.');
      const header = request.headers['tf-instance-name'];
      const instanceName = decodeHeader(Array.isArray(header) ? header[0] : header);
      const run = ctx.taskflows.engine.start(taskflow, {
        startedBy: caller.username,
        auth: caller.auth,
        method,
        input,
        ...(instanceName ? { instanceName } : {}),
      });
      return { status: 200, body: { RunId: run.runId }, numberKeys: runIdWire(ctx) };
    },
  };
}

export const taskflowRunGetRoute = runTaskflow('GET');
export const taskflowRunPostRoute = runTaskflow('POST');

export const taskflowStatusRoute: RouteDefinition = {
  route: 'taskflowStatus',
  family: 'v3',
  method: 'GET',
  auth: false,
  match: under('/active-bpel/services/tf/status/'),
  validate: parseTaskflowStatus,
  handle(ctx, request): RouteResult {
    const caller = authenticate(ctx, request);
    if ('status' in caller) return caller;
    const found = findRun(ctx, request.param ?? '');
    if ('status' in found) return found;
    return { status: 200, body: statusBody(ctx, found), numberKeys: runIdWire(ctx) };
  },
};

export const taskflowStatusListRoute: RouteDefinition = {
  route: 'taskflowStatus',
  family: 'v3',
  method: 'GET',
  auth: false,
  match: exactly('/active-bpel/services/tf/status'),
  validate: eachOf(parseTaskflowStatus),
  handle(ctx, request): RouteResult {
    const caller = authenticate(ctx, request);
    if ('status' in caller) return caller;
    const q = request.query;
    const runId = q.get('runId');
    if (runId !== null && !RUN_ID.test(runId)) return badRunId(runId, 'runId');
    const runStatus = q.get('runStatus');
    if (runStatus !== null && !RUN_STATUSES.includes(runStatus.toUpperCase())) {
      return v3Error(400, ERROR_CODES.badRequest, `runStatus must be one of Success, Failed, Suspended or Running, got "${runStatus.slice(0, 40)}".`);
    }
    const now = ctx.clock.now();
    const from = time(q.get('startTime'), 'startTime');
    const to = time(q.get('endTime'), 'endTime');
    if (typeof from === 'object') return from;
    if (typeof to === 'object') return to;
    const offset = count(q.get('offset'), 'offset', 0);
    if (typeof offset === 'object') return offset;
    // The documented maximum is 50; a larger value is read as 50, the lenient choice.
    const rows = count(q.get('rowLimit'), 'rowLimit', 1);
    if (typeof rows === 'object') return rows;
    const limit = Math.min(rows ?? DEFAULT_ROWS, MAX_ROWS);
    const since = from ?? (to === undefined ? now - DAY_MS : Number.NEGATIVE_INFINITY);
    const runs = ctx.taskflows.engine
      .newestFirst()
      .filter((run) => (runId === null || run.runId === runId) && (runStatus === null || run.state === runStatus.toUpperCase()))
      .filter((run) => run.startedAt >= since && (to === undefined || run.startedAt <= to));
    const body = runs.slice(offset ?? 0, (offset ?? 0) + limit).map((run) => statusBody(ctx, run));
    return { status: 200, body, numberKeys: runIdWire(ctx) };
  },
};

export const taskflowTerminateRoute: RouteDefinition = {
  route: 'taskflowTerminate',
  family: 'v3',
  method: 'PUT',
  auth: false,
  match: exactly('/active-bpel/services/tf/terminate'),
  validate: parseTaskflowTerminateResponse,
  handle(ctx, request): RouteResult {
    const caller = authenticate(ctx, request);
    if ('status' in caller) return caller;
    const ids = (request.body as { runid?: unknown } | undefined)?.runid;
    if (Array.isArray(ids) && ids.length > MAX_TERMINATE_IDS) {
      return v3Error(400, ERROR_CODES.badRequest, `runid holds ${ids.length} run ids; at most ${MAX_TERMINATE_IDS} are taken per call.`);
    }
    const parsed = readRequestBody(ctx, request, TaskflowTerminateRequest, parseTaskflowTerminateRequest);
    if (!parsed.ok) return v3Error(400, ERROR_CODES.badRequest, `Invalid terminate request: ${formatIssues(parsed.errors)}`);
    // Every id is checked before any run is terminated.
    for (const runId of parsed.value.runid) {
      const found = findRun(ctx, runId);
      if ('status' in found) return found;
      if (found.state !== 'RUNNING' && found.state !== 'SUSPENDED') {
        return v3Error(400, ERROR_CODES.notRunning, `The taskflow run ${runId} has ended (${found.state}); it cannot be terminated.`);
      }
    }
    ctx.taskflows.engine.terminate(parsed.value.runid, caller.username);
    return { status: 200, body: { message: `Terminated ${parsed.value.runid.length} taskflow run(s).` } };
  },
};

function resumeRoute(mode: 'retry' | 'skip'): RouteDefinition {
  const prefix = `/active-bpel/management/runtime/v1/${mode === 'retry' ? 'resumeWithFaultRetry' : 'resumeWithFaultSkip'}/`;
  return {
    route: 'taskflowResume',
    family: 'v3',
    method: 'PUT',
    auth: false,
    match: under(prefix),
    handle(ctx, request): RouteResult {
      const caller = authenticate(ctx, request);
      if ('status' in caller) return caller;
      const found = findRun(ctx, request.param ?? '');
      if ('status' in found) return found;
      if (found.state !== 'SUSPENDED') {
        return v3Error(400, ERROR_CODES.notSuspended, `The taskflow run ${found.runId} is ${found.state}, not SUSPENDED: only a suspended run can be resumed.`);
      }
      ctx.taskflows.engine.resume(found.runId, mode, caller.username);
      return { status: 204 };
    },
  };
}

export const taskflowResumeRetryRoute = resumeRoute('retry');
export const taskflowResumeSkipRoute = resumeRoute('skip');

export const TASKFLOW_ROUTES: readonly RouteDefinition[] = [
  taskflowRunGetRoute,
  taskflowRunPostRoute,
  taskflowStatusRoute,
  taskflowStatusListRoute,
  taskflowTerminateRoute,
  taskflowResumeRetryRoute,
  taskflowResumeSkipRoute,
];

function findRun(ctx: FakeContext, runId: string): FakeTaskflowRun | RouteResult {
  if (!RUN_ID.test(runId)) return badRunId(runId, 'runId');
  const run = ctx.taskflows.engine.find(runId);
  return run ?? v3Error(404, ERROR_CODES.notFound, `No taskflow run has the id ${runId}.`);
}

function badRunId(value: string, field: string): RouteResult {
  return v3Error(400, ERROR_CODES.badRequest, `${field} must be the digits of a taskflow run id, got "${value.slice(0, 40)}".`);
}

function statusBody(ctx: FakeContext, run: FakeTaskflowRun): TaskflowStatus {
  const taskflow = ctx.taskflows.catalog.byApiName(run.apiName);
  const current = run.steps.findLast((step) => step.startedAt !== undefined);
  // A suspended run's duration counts until it was suspended.
  const until = run.endedAt ?? (run.state === 'SUSPENDED' ? current?.endedAt : undefined) ?? ctx.clock.now();
  const lastChange = Math.max(run.startedAt, ...run.steps.map((s) => s.endedAt ?? s.startedAt ?? 0), ...run.resumes.map((r) => r.at), run.endedAt ?? 0);
  const body: TaskflowStatus = {
    assetName: run.assetName,
    assetType: 'TASKFLOW',
    duration: String(Math.max(0, Math.floor((until - run.startedAt) / 1000))),
    startTime: v3Time(run.startedAt),
    endTime: run.endedAt === undefined ? null : v3Time(run.endedAt),
    errorMessage: run.errorMessage ?? null,
    location: taskflow?.location ?? 'Default',
    runId: run.runId,
    runtimeEnv: ctx.stableId('taskflow-runtime', () => `${ctx.orgId}25CLOUDHOSTED`),
    runtimeEnvName: 'Informatica Cloud Hosted Agent',
    startedBy: run.startedBy,
    status: run.state,
    subtasks: run.steps.filter((step) => step.state !== 'NOT_STARTED').map(subtask),
    updateTime: v3Time(lastChange),
  };
  return body;
}

function subtask(step: FakeTaskflowRun['steps'][number]): TaskflowSubtask {
  return {
    assetName: step.name,
    assetType: step.type,
    status: step.state,
    startTime: step.startedAt === undefined ? null : v3Time(step.startedAt),
    endTime: step.endedAt === undefined ? null : v3Time(step.endedAt),
    errorMessage: step.errorMessage ?? null,
  };
}

function decodeHeader(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function time(value: string | null, field: string): number | undefined | RouteResult {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return v3Error(400, ERROR_CODES.badRequest, `${field} must be a UTC time such as 2021-06-10T05:48:28Z, got "${value.slice(0, 40)}".`);
  return ms;
}

function count(value: string | null, field: string, min: number): number | undefined | RouteResult {
  if (value === null) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) return v3Error(400, ERROR_CODES.badRequest, `${field} must be a whole number of at least ${min}, got "${value.slice(0, 40)}".`);
  return Number(value);
}
