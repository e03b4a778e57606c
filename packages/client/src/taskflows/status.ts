import type { TaskflowStatus as TaskflowStatusBody, TaskflowSubtask } from '@iics-jobs/schema';
import { utc } from '../time.js';

/** The states the status resource documents, STOPPED (after a terminate; unconfirmed), or the server's own string. */
export type TaskflowState = 'RUNNING' | 'SUCCESS' | 'FAILED' | 'SUSPENDED' | 'STOPPED' | (string & {});

/** A step (task) of a taskflow run, as far as the server lists it. */
export interface TaskflowStep {
  name?: string;
  type?: string;
  state?: string;
  startedAt?: Date;
  endedAt?: Date;
  errorMessage?: string;
}

export interface TaskflowStatus {
  /** The run id, exactly as the server sent it: a string of digits. */
  runId: string;
  state: TaskflowState;
  /** True once the run has ended (SUCCESS, FAILED, STOPPED, or any state with an end time). SUSPENDED is not ended. */
  terminal: boolean;
  /** True when a person must resume (or terminate) the run: `wait` ends here too. */
  suspended: boolean;
  /** `assetName`: the taskflow's name, with the custom instance name if one was given. */
  name?: string;
  location?: string;
  startedBy?: string;
  startedAt?: Date;
  endedAt?: Date;
  errorMessage?: string;
  steps?: TaskflowStep[];
  /** The status object as the server sent it (run ids as strings). */
  raw: TaskflowStatusBody;
}

const ENDED = new Set(['SUCCESS', 'FAILED', 'STOPPED', 'TERMINATED', 'CANCELLED', 'CANCELED', 'ABORTED']);

/** The client's view of a status answer; `runId` is the id asked for when the answer carries none. */
export function taskflowStatusFrom(body: TaskflowStatusBody, runId: string): TaskflowStatus {
  const state = body.status;
  const upper = state.toUpperCase();
  const endedAt = utc(body.endTime ?? undefined);
  const suspended = upper === 'SUSPENDED';
  const status: TaskflowStatus = {
    runId: typeof body.runId === 'string' ? body.runId : runId,
    state: ENDED.has(upper) || suspended || upper === 'RUNNING' ? upper : state,
    // An unknown state with an end time has ended, whatever it is called.
    terminal: ENDED.has(upper) || (!suspended && upper !== 'RUNNING' && endedAt !== undefined),
    suspended,
    raw: body,
  };
  if (body.assetName) status.name = body.assetName;
  if (body.location) status.location = body.location;
  if (body.startedBy) status.startedBy = body.startedBy;
  const startedAt = utc(body.startTime ?? undefined);
  if (startedAt) status.startedAt = startedAt;
  if (endedAt) status.endedAt = endedAt;
  if (body.errorMessage) status.errorMessage = body.errorMessage;
  if (Array.isArray(body.subtasks)) status.steps = body.subtasks.map(step);
  return status;
}

function step(subtask: TaskflowSubtask): TaskflowStep {
  const out: TaskflowStep = {};
  if (subtask.assetName) out.name = subtask.assetName;
  if (subtask.assetType) out.type = subtask.assetType;
  if (subtask.status) out.state = subtask.status;
  const startedAt = utc(subtask.startTime ?? undefined);
  const endedAt = utc(subtask.endTime ?? undefined);
  if (startedAt) out.startedAt = startedAt;
  if (endedAt) out.endedAt = endedAt;
  if (subtask.errorMessage) out.errorMessage = subtask.errorMessage;
  return out;
}
