import type { StartJobRequest } from '../jobs.js';
import type { TaskObject } from '../tasks/list.js';
import type { RunManyRequest, RunManyResult } from './run-many.js';

/** One task of a batch while it is scheduled. */
export interface BatchItem {
  result: RunManyResult;
  /**
   * The names the task is known by in this batch. Two items that share a key are the same task
   * and never run at once: a task may not allow parallel runs, and IICS would refuse the second.
   */
  keys: Set<string>;
  /** Its error is known before it could start (a pattern that matched nothing). */
  failedEarly?: boolean;
  state?: 'running' | 'done';
}

export function batchKeys(request: RunManyRequest | StartJobRequest, task?: TaskObject): Set<string> {
  const type = (request.taskType ?? task?.type ?? '').toUpperCase();
  const keys = new Set<string>();
  if (request.taskId !== undefined) keys.add(`id:${request.taskId}`);
  if (request.taskFederatedId !== undefined) keys.add(`fid:${request.taskFederatedId}`);
  if (request.path !== undefined) keys.add(`path:${type}:${request.path}`);
  // A start by name reaches the task of that name in the Default folder.
  if (request.taskName !== undefined) keys.add(`path:${type}:Default/${request.taskName}`);
  if (task) keys.add(`path:${type}:${task.path}`);
  return keys;
}
