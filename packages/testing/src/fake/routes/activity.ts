import { parseActivityLogEntry, parseActivityLogEntryDetail, parseActivityMonitorEntry, type ParseIssue, type ParseResult } from '@iics-jobs/schema';
import { eachOf, exactPath, type RouteDefinition } from '../context.js';
import { ERROR_CODES, htmlError, v2Error, type RouteResult } from '../errors.js';
import { logEntryDetail } from '../log-detail.js';

const DEFAULT_ROW_LIMIT = 200;
const MAX_ROW_LIMIT = 1000;

function booleanParam(query: URLSearchParams, name: string): boolean | RouteResult {
  const value = query.get(name);
  if (value === null) return false;
  if (/^true$/i.test(value)) return true;
  if (/^false$/i.test(value)) return false;
  return v2Error(400, ERROR_CODES.badRequest, `${name} must be true or false, got "${value.slice(0, 40)}".`);
}

/** A query parameter that must be digits, optionally signed: its text, or the 400 page IICS answers otherwise. */
function digitsParam(query: URLSearchParams, name: string): string | undefined | RouteResult {
  const value = query.get(name);
  if (value === null) return undefined;
  // A value that is no number at all (offset=abc) fails where IICS parses it, before its own checks:
  // the real answer is no error object (its status and text are UNCONFIRMED; the fake answers a 400 page).
  return /^-?\d+$/.test(value) ? value : htmlError(400, `Bad Request: the ${name} parameter is not a number.`);
}

function integerParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined | RouteResult {
  const value = digitsParam(query, name);
  if (typeof value !== 'string') return value;
  const n = /^-?\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    return v2Error(400, ERROR_CODES.badRequest, `${name} must be an integer from ${min} to ${max}, got "${value.slice(0, 40)}".`);
  }
  return n;
}

/** An integer brought into min..max (any number of digits); a value that is no integer is refused as integerParam refuses it. */
function clampedParam(query: URLSearchParams, name: string, min: number, max: number): number | undefined | RouteResult {
  const value = digitsParam(query, name);
  return typeof value === 'string' ? Math.min(max, Math.max(min, Number(value))) : value;
}

function isError(value: unknown): value is RouteResult {
  return typeof value === 'object' && value !== null && 'status' in value;
}

export const activityMonitorRoute: RouteDefinition = {
  route: 'activityMonitor',
  family: 'v2',
  method: 'GET',
  auth: true,
  match: exactPath('/saas/api/v2/activity/activityMonitor'),
  validate: eachOf(parseActivityMonitorEntry),
  handle(ctx, request): RouteResult {
    const details = booleanParam(request.query, 'details');
    if (isError(details)) return details;
    return { status: 200, body: ctx.engine.monitorEntries(details) };
  },
};

export const activityLogRoute: RouteDefinition = {
  route: 'activityLog',
  family: 'v2',
  method: 'GET',
  auth: true,
  match: exactPath('/saas/api/v2/activity/activityLog'),
  validate: eachOf(parseActivityLogEntry),
  handle(ctx, request): RouteResult {
    const { query } = request;
    const taskId = query.get('taskId');
    if (taskId === '') return v2Error(400, ERROR_CODES.badRequest, 'taskId must not be empty.');
    const runId = integerParam(query, 'runId', 0, Number.MAX_SAFE_INTEGER);
    if (isError(runId)) return runId;
    // The documentation requires taskId with runId, but clients that run against real orgs send
    // runId alone: the lenient reading is the runs of every task with that run id.
    const offset = integerParam(query, 'offset', 0, Number.MAX_SAFE_INTEGER);
    if (isError(offset)) return offset;
    // Outside 1..1000 clamped, not refused (the spec's lenient reading: IICS's own is unconfirmed).
    const rowLimit = clampedParam(query, 'rowLimit', 1, MAX_ROW_LIMIT);
    if (isError(rowLimit)) return rowLimit;

    const runs = ctx.engine
      .logRecords()
      .filter((run) => (taskId === null || run.view.taskId === taskId) && (runId === undefined || run.view.runId === runId));
    const start = offset ?? 0;
    const page = runs.slice(start, start + (rowLimit ?? DEFAULT_ROW_LIMIT));
    return { status: 200, body: page.map((run) => ctx.engine.logEntry(run)) };
  },
};

/** The id as sent; one that is not valid percent-encoding (e.g. "%E0%A4%A") stays as it is and is simply unknown. */
export function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const activityLogEntryRoute: RouteDefinition = {
  route: 'activityLog',
  family: 'v2',
  method: 'GET',
  auth: true,
  match: (path) => {
    const match = /^\/saas\/api\/v2\/activity\/activityLog\/([^/]+)$/.exec(path);
    return match ? decodeId(match[1]!) : undefined;
  },
  validate: checkDetail,
  handle(ctx, request): RouteResult {
    const run = ctx.engine.logRecord(request.param!);
    if (!run) return v2Error(404, ERROR_CODES.notFound, `No activity log entry with id ${request.param!.slice(0, 40)} exists.`);
    return { status: 200, body: logEntryDetail(run, ctx.orgId) };
  },
};

// Keys of a list entry's children that the real items never have: the schema reads tolerantly and
// would let them through, but a fake that sent them would teach its users the wrong shape.
const LIST_ONLY_KEYS = ['entries', 'subTaskEntries', 'sessionVariables', 'startTimeUtc', 'endTimeUtc'];

/** The schema, and no key of the list's shape on any item. */
function checkDetail(body: unknown): ParseResult<unknown> {
  const parsed = parseActivityLogEntryDetail(body);
  if (!parsed.ok) return parsed;
  const errors: ParseIssue[] = [];
  if ('entries' in parsed.value) errors.push({ path: '/entries', message: 'the entry by id has items, not entries' });
  const visit = (items: readonly object[] | undefined, path: string): void => {
    items?.forEach((item, i) => {
      for (const key of LIST_ONLY_KEYS) if (key in item) errors.push({ path: `${path}/${i}/${key}`, message: 'a list entry key on an activityLogEntryItem' });
      visit((item as { children?: object[] }).children, `${path}/${i}/children`);
    });
  };
  visit(parsed.value.items, '/items');
  return errors.length > 0 ? { ok: false, errors } : parsed;
}
