import {
  FileIngestionJobRequest,
  formatIssues,
  parseFileIngestionActivityLogEntry,
  parseFileIngestionJobRequest,
  parseFileIngestionJobResponse,
  parseFileIngestionJobStatus,
  parseFileIngestionTaskList,
  type FileIngestionActivityLogEntry,
  type FileIngestionJobStatus,
  type FileIngestionTaskList,
} from '@iics-jobs/schema';
import { federatedId } from '../../ids.js';
import { v3Time } from '../../time.js';
import { eachOf, exactPath, type RouteDefinition } from '../context.js';
import { ERROR_CODES, v3Error, type RouteResult } from '../errors.js';
import { readRequestBody } from '../request-body.js';
import type { FakeIngestionRun } from './types.js';

// The service's error object is UNCONFIRMED; the fake answers the v3 one, which the one client seen parses (`.error.message`).
const BASE = '/mftsaas/api/v1';
const SESSION_HEADER = 'ids-session-id';
const DEFAULT_ROW_LIMIT = 25;
const MAX_ROW_LIMIT = 100;

function runPath(suffix: 'status' | 'logs'): (path: string) => string | undefined {
  const pattern = new RegExp(`^${BASE}/job/([^/]+)/${suffix}$`);
  return (path) => {
    const m = pattern.exec(path);
    return m ? decodeURIComponent(m[1]!) : undefined;
  };
}

function unknownRun(runId: string): RouteResult {
  return v3Error(404, ERROR_CODES.notFound, `No file ingestion job has the run id ${runId.slice(0, 40)}.`);
}

export const fileIngestionJobRoute: RouteDefinition = {
  route: 'fileIngestionJob',
  family: 'v3',
  method: 'POST',
  auth: true,
  sessionHeader: SESSION_HEADER,
  match: exactPath(`${BASE}/job`),
  validate: parseFileIngestionJobResponse,
  handle(ctx, request): RouteResult {
    const parsed = readRequestBody(ctx, request, FileIngestionJobRequest, parseFileIngestionJobRequest);
    if (!parsed.ok) return v3Error(400, ERROR_CODES.badRequest, `Invalid file ingestion job request: ${formatIssues(parsed.errors)}`);
    const { taskId, taskName, parameters, variables } = parsed.value;
    const task = ctx.catalog.byId(taskId);
    if (!task) return v3Error(404, ERROR_CODES.notFound, `Task ${taskId.slice(0, 40)} not found.`);
    if (task.type !== 'MI_TASK') return v3Error(400, ERROR_CODES.badRequest, `The task ${task.name} is a ${task.type} task, not a file ingestion task: start it with /api/v2/job.`);
    if (taskName !== undefined && taskName !== task.name) return v3Error(400, ERROR_CODES.badRequest, `taskName ${taskName.slice(0, 80)} does not name the task ${taskId}.`);
    if (!task.parallel && ctx.ingestion.active(task).length > 0) {
      return v3Error(403, ERROR_CODES.alreadyRunning, `The task ${task.name} is already running and does not allow parallel runs.`);
    }
    const run = ctx.ingestion.start(task, {
      startedBy: request.username!,
      ...(parameters !== undefined ? { parameters } : {}),
      ...(variables !== undefined ? { variables } : {}),
    });
    const { runIdKey, runIdType } = ctx.ingestionForm;
    // The rest of the job entity the sendfiles sample shows (the start answer's shape is UNCONFIRMED).
    const entity = { projectId: 0, timeTaken: 0, runMode: 'UNKNOWN', correlationId: federatedId(), taskId: task.id, taskName: task.name };
    // As a number, of any size: written digit for digit (JSON.stringify cannot write one beyond 2^53).
    return { status: 200, body: { [runIdKey]: run.runId, ...entity }, ...(runIdType === 'number' ? { numberKeys: [runIdKey] } : {}) };
  },
};

export const fileIngestionStatusRoute: RouteDefinition = {
  route: 'fileIngestionStatus',
  family: 'v3',
  method: 'GET',
  auth: true,
  sessionHeader: SESSION_HEADER,
  match: runPath('status'),
  validate: parseFileIngestionJobStatus,
  handle(ctx, request): RouteResult {
    const found = ctx.ingestion.find(request.param!);
    if (!found) return unknownRun(request.param!);
    const run = found.view;
    const body: FileIngestionJobStatus = {
      jobStatus: run.state,
      runId: run.runId,
      taskId: run.taskId,
      taskName: run.taskName,
      startTime: v3Time(run.startedAt),
      endTime: run.endedAt === undefined ? null : v3Time(run.endedAt),
      files: run.files.map((f) => ({
        fileName: f.name,
        status: f.state,
        fileSize: f.sizeBytes,
        ...(f.state === 'FAILED' ? { errorMessage: `The transfer of ${f.name} failed.` } : {}),
      })),
    };
    return { status: 200, body };
  },
};

export const fileIngestionLogsRoute: RouteDefinition = {
  route: 'fileIngestionLogs',
  family: 'v3',
  method: 'GET',
  auth: true,
  sessionHeader: SESSION_HEADER,
  match: runPath('logs'),
  handle(ctx, request): RouteResult {
    const found = ctx.ingestion.find(request.param!);
    if (!found) return unknownRun(request.param!);
    return { status: 200, raw: { contentType: found.view.logs.contentType, body: found.view.logs.body } };
  },
};

export const fileIngestionTasksRoute: RouteDefinition = {
  route: 'fileIngestionTasks',
  family: 'v3',
  method: 'GET',
  auth: true,
  sessionHeader: SESSION_HEADER,
  match: exactPath(`${BASE}/mitasks`),
  validate: parseFileIngestionTaskList,
  handle(ctx): RouteResult {
    // The samples' `id` / `name`, not the field table's `taskId` / `taskName` (the documentation disagrees with itself).
    const body: FileIngestionTaskList = {
      mitasks: ctx.catalog.list
        .filter((task) => task.type === 'MI_TASK')
        .map((task) => ({
          id: task.id,
          name: task.name,
          description: '',
          location: task.path.slice(0, -task.name.length - 1) || null,
          updatedTime: ctx.stableId(`updated:${task.id}`, () => v3Time(ctx.clock.now() - 7 * 86_400_000)),
        })),
    };
    return { status: 200, body };
  },
};

export const fileIngestionActivityLogRoute: RouteDefinition = {
  route: 'fileIngestionActivityLog',
  family: 'v3',
  method: 'GET',
  auth: true,
  sessionHeader: SESSION_HEADER,
  match: exactPath(`${BASE}/mitasks/activityLog`),
  validate: eachOf(parseFileIngestionActivityLogEntry),
  handle(ctx, request): RouteResult {
    const { query } = request;
    const taskId = query.get('taskId') || undefined;
    const runId = query.get('runId') || undefined;
    if (taskId === undefined && runId === undefined) return v3Error(400, ERROR_CODES.badRequest, 'One of taskId or runId is required.');
    const offset = count(query.get('offset'), 0);
    const rowLimit = count(query.get('rowLimit'), DEFAULT_ROW_LIMIT);
    if (offset === undefined) return v3Error(400, ERROR_CODES.badRequest, 'offset must be a whole number.');
    if (rowLimit === undefined) return v3Error(400, ERROR_CODES.badRequest, 'rowLimit must be a whole number.');
    const runs = ctx.ingestion.views.filter((run) => (taskId === undefined || run.taskId === taskId) && (runId === undefined || run.runId === runId));
    // Newest first, as activity logs are; a rowLimit above the documented 100 is taken as 100 (the real behaviour is UNCONFIRMED).
    const rows = [...runs].reverse().slice(offset, offset + Math.min(Math.max(rowLimit, 1), MAX_ROW_LIMIT));
    return { status: 200, body: rows.map((run) => entry(run, runs.length)) };
  },
};

function entry(run: FakeIngestionRun, total: number): FileIngestionActivityLogEntry {
  const failed = run.files.filter((f) => f.state === 'FAILED').map((f) => f.name);
  return {
    id: run.runId,
    totaljobCount: total,
    taskId: run.taskId,
    runId: run.runId,
    startedBy: run.startedBy,
    startTime: v3Time(run.startedAt),
    endTime: run.endedAt === undefined ? null : v3Time(run.endedAt),
    status: run.state,
    messageText: failed.length > 0 ? `The transfer of ${failed.join(', ')} failed.` : null,
  };
}

function count(value: string | null, fallback: number): number | undefined {
  if (value === null || value === '') return fallback;
  return /^\d{1,9}$/.test(value) ? Number(value) : undefined;
}

export const INGESTION_ROUTE_DEFINITIONS: readonly RouteDefinition[] = [
  fileIngestionJobRoute,
  fileIngestionStatusRoute,
  fileIngestionLogsRoute,
  fileIngestionActivityLogRoute,
  fileIngestionTasksRoute,
];
