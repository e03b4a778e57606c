import { parseActivityLogEntry } from '@iics-jobs/schema';
import { arrayOf, type ApiClient } from '../api.js';
import { IicsInvalidArgumentError, IicsLogNotFoundError } from '../errors.js';
import type { CallOptions } from '../lookup.js';
import { describe } from '../options.js';
import type { JobRef } from '../status.js';

export type LatestRunRequest = { taskName: string; path?: never; taskType?: string } | { path: string; taskName?: never; taskType?: string };

/** How far back the latest run is looked for: one page of the activity log, its largest. */
const ROW_LIMIT = 1000;

/**
 * The newest ended run of a task named by name or path, from the activity log. The log names tasks,
 * not paths, so a path is matched by its last part (its task name); `taskType` narrows it further.
 */
export async function latestRun(api: ApiClient, request: LatestRunRequest, options: CallOptions = {}): Promise<JobRef & { taskName: string }> {
  if (request === null || typeof request !== 'object') throw new IicsInvalidArgumentError('request', 'Name the task as { taskName } or { path }.');
  const { taskName, path, taskType } = request as Record<string, unknown>;
  if ((taskName === undefined) === (path === undefined)) throw new IicsInvalidArgumentError('taskName', 'Name the task with one of taskName or path.');
  const given = taskName ?? path;
  if (typeof given !== 'string' || given.trim() === '') {
    throw new IicsInvalidArgumentError(taskName !== undefined ? 'taskName' : 'path', `The task name or path must be a non-empty string (got ${describe(given)}).`);
  }
  if (taskType !== undefined && typeof taskType !== 'string') throw new IicsInvalidArgumentError('taskType', `taskType must be a string (got ${describe(taskType)}).`);
  const name = path !== undefined ? given.split('/').pop()! : given;
  const entries = await api.call({
    method: 'GET',
    family: 'v2',
    path: '/api/v2/activity/activityLog',
    query: { rowLimit: ROW_LIMIT },
    kind: 'read',
    parse: arrayOf(parseActivityLogEntry),
    schemaName: 'ActivityLogEntry[]',
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // Newest first, as IICS lists them.
  const found = entries.find(
    (entry) => entry.objectName === name && entry.objectId && (taskType === undefined || entry.type?.toUpperCase() === taskType.toUpperCase()),
  );
  if (!found) {
    throw new IicsLogNotFoundError(`No ended run of ${given} is in the last ${ROW_LIMIT} entries of the activity log.`, { taskId: '', runId: 0 });
  }
  return { taskId: found.objectId!, runId: found.runId, taskName: name };
}
