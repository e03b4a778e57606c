import type { ActivityLogEntry, ActivityMonitorEntry } from '@iics-jobs/schema';
import { easternToUtc, utc } from './time.js';

/** The states this client reports. An `executionState` IICS adds later passes through as its own string. */
export type JobState = 'QUEUED' | 'RUNNING' | 'STOPPING' | 'SUCCESS' | 'WARNING' | 'FAILED';

/** A run is named by its task and its runId: runIds count per task. */
export interface JobRef {
  taskId: string;
  runId: number;
}

export interface JobRows {
  successSourceRows?: number;
  failedSourceRows?: number;
  successTargetRows?: number;
  failedTargetRows?: number;
}

/** A task inside a linear taskflow, with its own runId. */
export interface ChildJobStatus {
  taskId?: string;
  taskName?: string;
  taskType?: string;
  runId: number;
  state: JobState | (string & {});
  terminal: boolean;
  startedAt?: Date;
  endedAt?: Date;
  errorMessage?: string;
  rows?: JobRows;
}

export interface JobStatus {
  taskId: string;
  runId: number;
  state: JobState | (string & {});
  /** True once the run has ended (SUCCESS, WARNING, FAILED): it will not change again. */
  terminal: boolean;
  /** Where the state came from: the activity monitor (running), the activity log (ended), or neither yet. */
  source: 'monitor' | 'log' | 'none';
  taskName?: string;
  taskType?: string;
  /** The monitor's own `executionState`, e.g. INITIALIZED, when the state came from the monitor. */
  executionState?: string;
  /** Real UTC instants (from the `*Utc` fields; Eastern `startTime`/`endTime` converted when those are missing). */
  startedAt?: Date;
  endedAt?: Date;
  errorMessage?: string;
  rows?: JobRows;
  /** The tasks of a linear taskflow, in IICS's order. */
  children?: ChildJobStatus[];
  /** The entry as IICS sent it, extra fields included; null when the run is in neither list. */
  raw: ActivityMonitorEntry | ActivityLogEntry | null;
}

const NO_ERRORS = /^no errors encountered\.?$/i;

/** Maps a monitor `executionState` to a client state. Unknown values pass through unchanged. */
export function stateFromExecutionState(executionState: string): { state: JobState | (string & {}); terminal: boolean } {
  switch (executionState.toUpperCase()) {
    case 'QUEUED':
    case 'INITIALIZED':
      return { state: 'QUEUED', terminal: false };
    case 'RUNNING':
      return { state: 'RUNNING', terminal: false };
    case 'STOPPING':
      return { state: 'STOPPING', terminal: false };
    case 'FAILED':
      return { state: 'FAILED', terminal: true };
    // COMPLETED in the monitor does not yet say success or warning: that comes from the log.
    case 'COMPLETED':
      return { state: 'RUNNING', terminal: false };
    default:
      return { state: executionState, terminal: false };
  }
}

/** Maps an activity log `state` (1, 2, 3) to a client state; an unknown number is still an ended run. */
export function stateFromLogState(state: number): { state: JobState | (string & {}); terminal: true } {
  switch (state) {
    case 1:
      return { state: 'SUCCESS', terminal: true };
    case 2:
      return { state: 'WARNING', terminal: true };
    case 3:
      return { state: 'FAILED', terminal: true };
    default:
      return { state: `LOG_STATE_${state}`, terminal: true };
  }
}

/** The monitor entry of the run, looking into taskflow children too (a child task has its own runId). */
export function findMonitorEntry(entries: readonly ActivityMonitorEntry[], ref: JobRef): ActivityMonitorEntry | undefined {
  for (const entry of entries) {
    if (entry.taskId === ref.taskId && entry.runId === ref.runId) return entry;
  }
  for (const entry of entries) {
    const child = entry.entries ? findMonitorEntry(entry.entries, ref) : undefined;
    if (child) return child;
  }
  return undefined;
}

/** The log entry of the run. The server filters by taskId and runId, but the answer is checked again. */
export function findLogEntry(entries: readonly ActivityLogEntry[], ref: JobRef): ActivityLogEntry | undefined {
  for (const entry of entries) {
    if (entry.objectId === ref.taskId && entry.runId === ref.runId) return entry;
  }
  for (const entry of entries) {
    // A list entry's children are its `entries` (the entry by id, which has `items`, is not read here).
    const child = entry.entries && entry.entries.length > 0 ? findLogEntry(entry.entries, ref) : undefined;
    if (child) return child;
  }
  return undefined;
}

export function statusFromMonitor(ref: JobRef, entry: ActivityMonitorEntry): JobStatus {
  const { state, terminal } = stateFromExecutionState(entry.executionState);
  // Written out, not `{ ...ref, … }`: properties added to a spread object one by one (fillCommon) put it
  // into V8's slow dictionary mode, which made this mapping 17 µs of every status call instead of 1.
  const status: JobStatus = { taskId: ref.taskId, runId: ref.runId, state, terminal, source: 'monitor', executionState: entry.executionState, raw: entry };
  fillCommon(status, entry.taskName, entry.type, monitorTimes(entry), entry.errorMsg, entry);
  if (entry.type === 'WORKFLOW' && entry.entries && entry.entries.length > 0) {
    status.children = entry.entries.map((child) => {
      // A task of a running taskflow that has ended shows COMPLETED here; its success or warning is only
      // in the log once the whole taskflow ends, so say what is known: it completed.
      const c = child.executionState.toUpperCase() === 'COMPLETED'
        ? { state: 'COMPLETED', terminal: true }
        : stateFromExecutionState(child.executionState);
      const out: ChildJobStatus = { taskId: child.taskId, runId: child.runId, state: c.state, terminal: c.terminal };
      fillCommon(out, child.taskName, child.type, monitorTimes(child), child.errorMsg, child);
      return out;
    });
  }
  return status;
}

export function statusFromLog(ref: JobRef, entry: ActivityLogEntry): JobStatus {
  const { state, terminal } = stateFromLogState(entry.state);
  const status: JobStatus = { taskId: ref.taskId, runId: ref.runId, state, terminal, source: 'log', raw: entry };
  fillCommon(status, entry.objectName, entry.type, logTimes(entry), logErrorMessage(entry), entry);
  if (entry.type === 'WORKFLOW') {
    const children = entry.entries ?? [];
    if (children.length > 0) {
      status.children = children.map((child) => {
        const c = stateFromLogState(child.state);
        const out: ChildJobStatus = { runId: child.runId, state: c.state, terminal: c.terminal };
        if (child.objectId) out.taskId = child.objectId;
        fillCommon(out, child.objectName, child.type, logTimes(child), logErrorMessage(child), child);
        return out;
      });
    }
  }
  return status;
}

/** A run in neither list: just started and not listed yet, or ended and not yet logged. */
export function statusNotListed(ref: JobRef, state: 'QUEUED' | 'RUNNING'): JobStatus {
  return { taskId: ref.taskId, runId: ref.runId, state, terminal: false, source: 'none', raw: null };
}

function fillCommon(
  target: JobStatus | ChildJobStatus,
  name: string | undefined,
  type: string | undefined,
  times: { startedAt?: Date; endedAt?: Date },
  errorMessage: string | null | undefined,
  counts: JobRows,
): void {
  if (name) target.taskName = name;
  if (type) target.taskType = type;
  if (times.startedAt) target.startedAt = times.startedAt;
  if (times.endedAt) target.endedAt = times.endedAt;
  if (errorMessage) target.errorMessage = errorMessage;
  const rows = pickRows(counts);
  if (rows) target.rows = rows;
}

function monitorTimes(entry: ActivityMonitorEntry): { startedAt?: Date; endedAt?: Date } {
  // The monitor documents only Eastern times; a *Utc field, should IICS add one, wins.
  const extra = entry as ActivityMonitorEntry & { startTimeUtc?: string; endTimeUtc?: string };
  return pickTimes(extra.startTimeUtc, entry.startTime, extra.endTimeUtc, entry.endTime);
}

function logTimes(entry: ActivityLogEntry): { startedAt?: Date; endedAt?: Date } {
  return pickTimes(entry.startTimeUtc, entry.startTime, entry.endTimeUtc, entry.endTime);
}

function pickTimes(
  startUtc: string | undefined,
  startEastern: string | undefined,
  endUtc: string | undefined,
  endEastern: string | undefined,
): { startedAt?: Date; endedAt?: Date } {
  const out: { startedAt?: Date; endedAt?: Date } = {};
  const startedAt = utc(startUtc) ?? (startEastern ? easternToUtc(startEastern) : undefined);
  const endedAt = utc(endUtc) ?? (endEastern ? easternToUtc(endEastern) : undefined);
  if (startedAt) out.startedAt = startedAt;
  if (endedAt) out.endedAt = endedAt;
  return out;
}

function pickRows(entry: JobRows): JobRows | undefined {
  const rows: JobRows = {};
  for (const key of ['successSourceRows', 'failedSourceRows', 'successTargetRows', 'failedTargetRows'] as const) {
    if (typeof entry[key] === 'number') rows[key] = entry[key];
  }
  return Object.keys(rows).length > 0 ? rows : undefined;
}

/** The top-level message, or for a run that did not succeed, the first child's real error. */
function logErrorMessage(entry: ActivityLogEntry): string | undefined {
  if (entry.errorMsg && !NO_ERRORS.test(entry.errorMsg)) return entry.errorMsg;
  if (entry.state === 1) return undefined;
  for (const child of entry.entries ?? []) {
    const message = logErrorMessage(child);
    if (message) return message;
  }
  return undefined;
}
