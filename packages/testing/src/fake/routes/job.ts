import { JobRequest, JobStopRequest, formatIssues, isCallbackUrl, parseJobRequest, parseJobResponse, parseJobStopRequest, parseSuccessResponse } from '@iics-jobs/schema';
import type { JobResponse, SuccessResponse } from '@iics-jobs/schema';
import { exactPath, type FakeContext, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v2Error, type RouteResult } from '../errors.js';
import { readRequestBody } from '../request-body.js';
import type { FakeTask } from '../types.js';

interface TaskNaming {
  taskId?: string;
  taskFederatedId?: string;
  taskName?: string;
  taskType: string;
}

/**
 * The documentation writes taskType "Workflow" in one example, so the fake takes it in any case
 * (unconfirmed whether IICS does) and checks the rest of the request as sent.
 */
function normalizeTaskType(body: unknown): unknown {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const taskType = (body as Record<string, unknown>).taskType;
    if (typeof taskType === 'string') return { ...body, taskType: taskType.toUpperCase() };
  }
  return body;
}

/** Finds the task a start or stop request names, or the error IICS would answer. */
function resolveTask(ctx: FakeContext, naming: TaskNaming): FakeTask | RouteResult {
  // The request schema lets exactly one of taskId, taskFederatedId and taskName through.
  const { taskId, taskFederatedId, taskName, taskType } = naming;
  let task: FakeTask | undefined;
  if (taskFederatedId !== undefined) {
    task = ctx.catalog.byFederatedId(taskFederatedId);
    if (!task) return v2Error(403, ERROR_CODES.unknownObject, 'Object identifier is invalid or missing, property is (taskFederatedId).');
  } else if (taskId !== undefined) {
    task = ctx.catalog.byId(taskId);
    if (!task) return v2Error(403, ERROR_CODES.unknownObject, 'Object identifier is invalid or missing, property is (taskId).');
  } else {
    const named = ctx.catalog.byName(taskName!).filter((t) => t.type === taskType);
    // A name (like a v2 id) only reaches the Default folder; elsewhere IICS needs the federated id.
    task = named.find((t) => t.path.startsWith('Default/')) ?? named[0];
    if (!task) return v2Error(403, ERROR_CODES.unknownName, `No object named ${taskName} exists for organization ${ctx.orgId}.`);
  }
  if (task.type !== taskType) {
    return v2Error(403, ERROR_CODES.unknownObject, `The task ${task.name} is a ${task.type} task, not ${taskType}.`);
  }
  if (taskFederatedId === undefined && !task.path.startsWith('Default/')) {
    return v2Error(
      403,
      ERROR_CODES.unknownObject,
      `The task ${task.name} is in ${task.path.slice(0, -task.name.length - 1)}, not in the Default folder: name it by taskFederatedId.`,
    );
  }
  return task;
}

/** The start's callbackURL, checked before the schema so that the answer says what a callback URL must be. */
function callbackUrlError(body: unknown): RouteResult | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const value = (body as Record<string, unknown>).callbackURL;
  if (typeof value !== 'string' || isCallbackUrl(value)) return undefined;
  // Not echoed: a callback URL may carry the receiver's secret.
  return v2Error(400, ERROR_CODES.badRequest, 'callbackURL must be an absolute http or https URL with a host and no white space (IICS posts the callback there).');
}

export const jobRoute: RouteDefinition = {
  route: 'job',
  family: 'v2',
  method: 'POST',
  auth: true,
  match: exactPath('/saas/api/v2/job'),
  validate: parseJobResponse,
  handle(ctx, request): RouteResult {
    const badCallback = callbackUrlError(request.body);
    if (badCallback) return badCallback;
    const parsed = readRequestBody(ctx, request, JobRequest, parseJobRequest, normalizeTaskType(request.body));
    if (!parsed.ok) return v2Error(400, ERROR_CODES.badRequest, `Invalid job request: ${formatIssues(parsed.errors)}`);
    const job = parsed.value;
    const task = resolveTask(ctx, job);
    if ('status' in task) return task;
    if (!task.parallel && ctx.engine.active(task).length > 0) {
      return v2Error(403, ERROR_CODES.alreadyRunning, `The task ${task.name} is already running and does not allow parallel runs.`);
    }
    // The parameter file may come inside runtime (community clients) or beside it (the docs' table).
    const run = ctx.engine.start(task, {
      startedBy: request.username!,
      ...optional('callbackURL', job.callbackURL),
      ...optional('parameterFileName', job.runtime?.parameterFileName ?? job.parameterFileName),
      ...optional('parameterFileDir', job.runtime?.parameterFileDir ?? job.parameterFileDir),
    });
    const body: JobResponse = {
      '@type': 'job',
      taskId: task.id,
      // The real start answer has no taskFederatedId, even for a start by federated id.
      taskName: task.name,
      taskType: task.type,
      runId: run.view.runId,
      runInParallel: task.parallel,
    };
    if (job.callbackURL !== undefined) body.callbackURL = job.callbackURL;
    return { status: 200, body };
  },
};

export const stopRoute: RouteDefinition = {
  route: 'stop',
  family: 'v2',
  method: 'POST',
  auth: true,
  match: exactPath('/saas/api/v2/job/stop'),
  validate: parseSuccessResponse,
  handle(ctx, request): RouteResult {
    const cleanStopParam = request.query.get('cleanStop');
    if (cleanStopParam !== null && !/^(true|false)$/i.test(cleanStopParam)) {
      return v2Error(400, ERROR_CODES.badRequest, `cleanStop must be true or false, got "${cleanStopParam.slice(0, 40)}".`);
    }
    const parsed = readRequestBody(ctx, request, JobStopRequest, parseJobStopRequest, normalizeTaskType(request.body));
    if (!parsed.ok) return v2Error(400, ERROR_CODES.badRequest, `Invalid stop request: ${formatIssues(parsed.errors)}`);
    const task = resolveTask(ctx, parsed.value);
    if ('status' in task) return task;
    const active = ctx.engine.active(task);
    if (active.length === 0) return v2Error(403, ERROR_CODES.notRunning, `The task ${task.name} is not running.`);
    ctx.engine.stop(task, request.username!, cleanStopParam?.toLowerCase() === 'true');
    const body: SuccessResponse = { '@type': 'success', description: `The job was stopped by user ${request.username!} using the API.` };
    return { status: 200, body };
  },
};

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}
