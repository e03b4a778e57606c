import type { FakeContext, RouteDefinition } from '../context.js';
import { ERROR_CODES, v2Error, type RouteResult } from '../errors.js';
import { decodeId } from '../routes/activity.js';
import type { RunRecord } from '../runs.js';
import { errorRowsCsv, errorRowsFileName } from './error-rows.js';
import type { FakeFile } from './send.js';
import { sessionLogChunks, sessionLogFileName } from './session-log.js';

function idRoute(pattern: RegExp): (path: string) => string | undefined {
  return (path) => {
    const match = pattern.exec(path);
    return match ? decodeId(match[1]!) : undefined;
  };
}

function notFound(what: string, id: string): RouteResult {
  return v2Error(404, ERROR_CODES.notFound, `No ${what} with id ${id.slice(0, 40)} exists.`);
}

/** The run a query names: the entry itself, or with itemId one of its tasks (or, for a task, its own session). */
function pick(ctx: FakeContext, id: string, query: URLSearchParams): RunRecord | RouteResult {
  const run = ctx.engine.logRecord(id);
  if (!run) return notFound('activity log entry', id);
  const itemId = query.get('itemId');
  const childItemId = query.get('childItemId');
  if (childItemId !== null && itemId === null) return v2Error(400, ERROR_CODES.badRequest, 'childItemId needs itemId.');
  if (itemId === null) return run;
  const item = [run, ...run.children].find((each) => (each !== run && each.logId === itemId) || each.sessionLogId === itemId);
  if (!item) return notFound(`item of entry ${id.slice(0, 40)}`, itemId);
  if (childItemId !== null && childItemId !== item.sessionLogId) return notFound(`child item of item ${itemId.slice(0, 40)}`, childItemId);
  return item;
}

function isResult(value: RunRecord | RouteResult): value is RouteResult {
  return 'status' in value;
}

export const sessionLogRoute: RouteDefinition = {
  route: 'sessionLog',
  family: 'v2',
  method: 'GET',
  auth: true,
  match: idRoute(/^\/saas\/api\/v2\/activity\/activityLog\/([^/]+)\/sessionLog$/),
  handle(ctx, request): RouteResult {
    const run = pick(ctx, request.param!, request.query);
    if (isResult(run)) return run;
    const tasks = run.task.type === 'WORKFLOW' ? run.children : [run];
    const entries = tasks.map((task) => ({ name: sessionLogFileName(task.task.federatedId, task.view.runId), chunks: () => sessionLogChunks(task) }));
    // A taskflow's logs come as one zip, a file per task; a task's as the fake was told.
    const kind = run.task.type === 'WORKFLOW' ? 'zip' : ctx.sessionLogFormat;
    const base = sessionLogFileName(run.task.federatedId, run.view.runId);
    const file: FakeFile = { name: kind === 'zip' ? base.replace(/\.log$/, '.zip') : base, kind, entries };
    return { status: 200, file };
  },
};

export const errorLogRoute: RouteDefinition = {
  route: 'errorLog',
  family: 'v2',
  method: 'GET',
  auth: true,
  match: idRoute(/^\/saas\/api\/v2\/activity\/errorLog\/([^/]+)$/),
  handle(ctx, request): RouteResult {
    const id = request.param!;
    const run = ctx.engine.logRecord(id);
    if (!run) return notFound('activity log entry', id);
    const csv = errorRowsCsv(run.task.type === 'WORKFLOW' ? run.children : [run]);
    if (csv === '') return v2Error(404, ERROR_CODES.notFound, `Run ${run.view.runId} of ${run.view.taskName.slice(0, 80)} has no error rows.`);
    const file: FakeFile = { name: errorRowsFileName(run.task.federatedId, run.view.runId), kind: 'text', entries: [{ name: 'error.csv', chunks: () => [csv] }] };
    return { status: 200, file };
  },
};
