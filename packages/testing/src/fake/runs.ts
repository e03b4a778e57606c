import type { ActivityLogEntry, ActivityMonitorEntry, CallbackUrlResponse } from '@iics-jobs/schema';
import { ID_CODES, type V2IdFactory } from '../ids.js';
import { iicsEasternTime, iicsUtcTime } from '../time.js';
import { sessionLogFileName } from './logs/session-log.js';
import type { TimerGroup } from './timers.js';
import type { FakeCallbackAttempt, FakeOutcome, FakeRun, FakeRunState, FakeTask } from './types.js';

// Messages as real activity log entries carry them.
export const MESSAGES = {
  success: 'No errors encountered.',
  warning:
    "WRT_8229 Database errors occurred: FnName: Execute -- [Informatica][ODBC SQL Server Wire Protocol driver][Microsoft SQL Server]Violation of PRIMARY KEY constraint 'PK_ORDERS'. Cannot insert duplicate key in object 'dbo.ORDERS'.",
  failed: 'TE_7002 Transformation Parse Fatal Error; transformation stopped... error testing field [o_AMOUNT] in transformation [exp_Totals].',
  taskflow: 'One or more tasks generated error rows or failed.',
} as const;

/** The runContextType the fake writes for runs started through the REST API (IICS's value is unconfirmed). */
export const RUN_CONTEXT_TYPE = 'REST-API';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type RunView = Mutable<Omit<FakeRun, 'callbackDeliveries' | 'children'>> & {
  callbackDeliveries: FakeCallbackAttempt[];
  children: FakeRun[];
};

interface Rows {
  successSourceRows: number;
  failedSourceRows: number;
  successTargetRows: number;
  failedTargetRows: number;
}

export interface RunRecord {
  readonly view: RunView;
  readonly task: FakeTask;
  readonly parent: RunRecord | undefined;
  readonly children: RunRecord[];
  readonly monitorId: string;
  readonly logId: string;
  readonly sessionLogId: string;
  readonly agentId: string;
  readonly runtimeEnvironmentId: string;
  readonly timers: Array<{ cancel(): void }>;
  ended: boolean;
  rows: Rows;
  errorMsg?: string;
  stopMessage?: string;
}

export interface StartRunOptions {
  startedBy: string;
  callbackURL?: string;
  parameterFileName?: string;
  parameterFileDir?: string;
}

export interface RunEngineOptions {
  timers: TimerGroup;
  ids: V2IdFactory;
  logGapMs: number;
  stopDelayMs: number;
  /** At most this many runs are kept (Infinity: all); the oldest ended runs go first. */
  maxRecorded: number;
  /** Called when a run ends (children first, then their taskflow). */
  onEnded(run: RunRecord): void;
}

/** Runs of tasks on the fake clock: their states, their monitor and log entries. */
export class RunEngine {
  readonly records: RunRecord[] = [];
  readonly views: FakeRun[] = [];
  private readonly runCounters = new Map<string, number>();
  private readonly byLogId = new Map<string, RunRecord>();
  private sessionLogCounter = 2_753_124_997;
  private readonly agentId: string;
  private readonly runtimeEnvironmentId: string;

  constructor(private readonly options: RunEngineOptions) {
    this.agentId = options.ids.next(ID_CODES.agent);
    this.runtimeEnvironmentId = options.ids.next(ID_CODES.runtimeEnvironment);
  }

  /** Starts a run of `task` now. */
  start(task: FakeTask, options: StartRunOptions): RunRecord {
    return this.begin(task, options, undefined, Math.floor(this.options.timers.clock.now()));
  }

  /** Runs of `task` that have not ended (including those being stopped). */
  active(task: FakeTask): RunRecord[] {
    return this.records.filter((run) => run.task === task && !run.ended);
  }

  /** Stops every active run of `task`; they end as failed after the stop delay. Returns the runs stopped. */
  stop(task: FakeTask, username: string, cleanStop: boolean): RunRecord[] {
    const runs = this.active(task).filter((run) => run.view.state !== 'STOPPING');
    const message = `The job was stopped by user ${username} using the API.`;
    for (const run of runs) {
      const endAt = Math.floor(this.options.timers.clock.now()) + this.options.stopDelayMs;
      // A taskflow takes its running task down with it.
      const stopping = [run, ...run.children.filter((child) => !child.ended)];
      for (const each of stopping) {
        cancelTimers(each);
        each.view.state = 'STOPPING';
        each.view.stoppedBy = username;
        each.view.cleanStop = cleanStop;
        each.stopMessage = message;
      }
      run.timers.push(
        this.options.timers.at(() => {
          for (const each of stopping.slice(1)) this.end(each, endAt, 'failed');
          this.end(run, endAt, 'failed');
        }, endAt),
      );
    }
    return runs;
  }

  /** Whether run `runId` of the task was ever started (it may have left the kept history since). */
  started(taskId: string, runId: number): boolean {
    return runId <= (this.runCounters.get(taskId) ?? 0);
  }

  find(taskId: string, runId: number): RunRecord | undefined {
    return this.records.find((run) => run.view.taskId === taskId && run.view.runId === runId);
  }

  /** What the activity monitor lists now: runs not yet ended, newest first. */
  monitorEntries(details: boolean): ActivityMonitorEntry[] {
    return this.records
      .filter((run) => !run.parent && !run.ended)
      .reverse()
      .map((run) => this.monitorEntry(run, details));
  }

  /** What the activity log lists now: ended runs past the log gap, newest first. */
  logRecords(): RunRecord[] {
    const now = this.options.timers.clock.now();
    return this.records
      .filter((run) => !run.parent && run.ended && run.view.endedAt! + this.options.logGapMs <= now)
      .sort((a, b) => b.view.startedAt - a.view.startedAt || b.view.runId - a.view.runId || this.records.indexOf(b) - this.records.indexOf(a));
  }

  /** The log entry with this id (a taskflow's task entries included), once its run shows in the log. */
  logRecord(id: string): RunRecord | undefined {
    const run = this.byLogId.get(id);
    if (!run) return undefined;
    let root = run;
    while (root.parent) root = root.parent;
    return this.logRecords().includes(root) ? run : undefined;
  }

  logEntry(run: RunRecord): ActivityLogEntry {
    const v = run.view;
    const entry: ActivityLogEntry = {
      '@type': 'activityLogEntry',
      id: run.logId,
      type: v.taskType,
      objectId: v.taskId,
      objectName: v.taskName,
      runId: v.runId,
      startTime: iicsEasternTime(v.startedAt),
      endTime: iicsEasternTime(v.endedAt!),
      startTimeUtc: iicsUtcTime(v.startedAt),
      endTimeUtc: iicsUtcTime(v.endedAt!),
      state: v.activityState!,
      ...run.rows,
      startedBy: v.startedBy,
      runContextType: RUN_CONTEXT_TYPE,
      totalSuccessRows: 0,
      totalFailedRows: 0,
      stopOnError: false,
      hasStopOnErrorRecord: false,
    };
    // IICS leaves errorMsg out of a successful top-level entry; its session entry says "No errors encountered."
    if (run.errorMsg !== undefined) entry.errorMsg = run.errorMsg;
    entry.entries = run.task.type === 'WORKFLOW' ? run.children.map((child) => this.logEntry(child)) : [this.sessionEntry(run)];
    return entry;
  }

  callbackPayload(run: RunRecord): CallbackUrlResponse {
    return {
      '@type': 'callbackUrlResponse',
      // Written like every other v2 time: Eastern wall clock with the false Z (unconfirmed for callbacks).
      endTime: iicsEasternTime(run.view.endedAt!),
      objectId: run.view.taskId,
      objectName: run.view.taskName,
      runId: run.view.runId,
      status: run.view.state === 'FAILED' ? 'FAILED' : 'COMPLETED',
    };
  }

  private begin(task: FakeTask, options: StartRunOptions, parent: RunRecord | undefined, startedAt: number): RunRecord {
    const runId = (this.runCounters.get(task.id) ?? 0) + 1;
    this.runCounters.set(task.id, runId);
    const view: RunView = {
      taskId: task.id,
      taskName: task.name,
      taskType: task.type,
      runId,
      state: task.queuedMs > 0 ? 'QUEUED' : 'RUNNING',
      startedAt,
      callbackDeliveries: [],
      startedBy: options.startedBy,
      children: [],
    };
    if (options.callbackURL !== undefined) view.callbackURL = options.callbackURL;
    if (options.parameterFileName !== undefined) view.parameterFileName = options.parameterFileName;
    if (options.parameterFileDir !== undefined) view.parameterFileDir = options.parameterFileDir;
    if (parent) view.parent = { taskId: parent.view.taskId, runId: parent.view.runId };

    const run: RunRecord = {
      view,
      task,
      parent,
      children: [],
      monitorId: this.options.ids.next(ID_CODES.monitorEntry),
      logId: this.options.ids.next(ID_CODES.logEntry),
      sessionLogId: String(this.sessionLogCounter++),
      agentId: this.agentId,
      runtimeEnvironmentId: this.runtimeEnvironmentId,
      timers: [],
      ended: false,
      rows: { successSourceRows: 0, failedSourceRows: 0, successTargetRows: 0, failedTargetRows: 0 },
    };
    this.records.push(run);
    this.views.push(view);
    this.byLogId.set(run.logId, run);
    if (parent) {
      parent.children.push(run);
      parent.view.children.push(view);
    }
    this.trim();

    const { timers } = this.options;
    const runningAt = startedAt + task.queuedMs;
    if (task.queuedMs > 0) {
      run.timers.push(timers.at(() => (view.state = 'INITIALIZED'), startedAt + task.queuedMs / 2));
      run.timers.push(timers.at(() => (view.state = 'RUNNING'), runningAt));
    }
    if (task.type === 'WORKFLOW') {
      run.timers.push(timers.at(() => this.startChild(run, 0, runningAt), runningAt));
    } else {
      const endAt = startedAt + task.durationMs;
      run.timers.push(timers.at(() => this.end(run, endAt, task.outcome), endAt));
    }
    return run;
  }

  private startChild(run: RunRecord, index: number, at: number): void {
    const childTask = run.task.children[index];
    if (!childTask) {
      this.end(run, at, worstOutcome(run));
      return;
    }
    this.begin(childTask, { startedBy: run.view.startedBy }, run, at);
  }

  private end(run: RunRecord, at: number, outcome: FakeOutcome): void {
    if (run.ended) return;
    cancelTimers(run);
    run.ended = true;
    const view = run.view;
    view.endedAt = at;
    view.state = STATE_OF[outcome];
    view.activityState = ACTIVITY_STATE_OF[outcome];
    if (run.task.type === 'WORKFLOW') {
      run.rows = sumRows(run.children);
      if (run.stopMessage) run.errorMsg = run.stopMessage;
      else if (outcome !== 'success') run.errorMsg = MESSAGES.taskflow;
    } else {
      run.rows = run.stopMessage ? run.rows : rowsOf(outcome);
      if (run.stopMessage) run.errorMsg = run.stopMessage;
      else if (outcome !== 'success') run.errorMsg = MESSAGES[outcome];
    }
    const parent = run.parent;
    if (parent && !parent.ended && parent.view.state !== 'STOPPING') {
      const next = parent.children.length;
      parent.timers.push(this.options.timers.at(() => this.startChild(parent, next, at), at));
    }
    this.options.onEnded(run);
    if (!parent) this.trim();
  }

  /** Drops the oldest ended runs (a taskflow with its tasks) while more than `maxRecorded` are kept. */
  private trim(): void {
    let excess = this.views.length - this.options.maxRecorded;
    if (excess <= 0) return;
    const dropped = new Set<RunRecord>();
    for (const run of this.records) {
      if (excess <= 0) break;
      if (run.parent || !run.ended) continue;
      for (const each of withDescendants(run)) {
        dropped.add(each);
        this.byLogId.delete(each.logId);
        excess--;
      }
    }
    if (dropped.size === 0) return;
    const droppedViews = new Set<FakeRun>([...dropped].map((run) => run.view));
    removeWhere(this.records, (run) => dropped.has(run));
    removeWhere(this.views, (view) => droppedViews.has(view));
  }

  private monitorEntry(run: RunRecord, details: boolean): ActivityMonitorEntry {
    const v = run.view;
    const entry: ActivityMonitorEntry = {
      '@type': 'activityMonitoryEntry',
      id: run.monitorId,
      type: v.taskType,
      taskId: v.taskId,
      taskName: v.taskName,
      objectName: '',
      runId: v.runId,
      startTime: iicsEasternTime(v.startedAt),
      executionState: run.ended ? (v.state === 'FAILED' ? 'FAILED' : 'COMPLETED') : v.state,
      ...run.rows,
      entries: details ? run.children.map((child) => this.monitorEntry(child, details)) : [],
      startedBy: v.startedBy,
      runContextType: RUN_CONTEXT_TYPE,
    };
    // A running entry has no endTime at all; a taskflow's finished task has one.
    if (run.ended) entry.endTime = iicsEasternTime(v.endedAt!);
    if (run.ended && run.errorMsg !== undefined) entry.errorMsg = run.errorMsg;
    if (run.task.type !== 'WORKFLOW') {
      entry.agentId = run.agentId;
      entry.runtimeEnvironmentId = run.runtimeEnvironmentId;
    }
    return entry;
  }

  private sessionEntry(run: RunRecord): ActivityLogEntry {
    const v = run.view;
    const state = v.activityState!;
    return {
      '@type': 'activityLogEntry',
      id: run.sessionLogId,
      type: v.taskType,
      objectName: '',
      runId: v.runId,
      agentId: run.agentId,
      runtimeEnvironmentId: run.runtimeEnvironmentId,
      startTime: iicsEasternTime(v.startedAt),
      endTime: iicsEasternTime(v.endedAt!),
      startTimeUtc: iicsUtcTime(v.startedAt),
      endTimeUtc: iicsUtcTime(v.endedAt!),
      state,
      ...run.rows,
      errorMsg: run.errorMsg ?? MESSAGES.success,
      startedBy: v.startedBy,
      runContextType: RUN_CONTEXT_TYPE,
      entries: [],
      subTaskEntries: [],
      logEntryItemAttrs: logEntryItemAttrs(run),
      sessionVariables: {},
      totalSuccessRows: 0,
      totalFailedRows: 0,
      stopOnError: false,
      hasStopOnErrorRecord: false,
      contextExternalId: v.taskId,
      transformationEntries: transformationEntries(run),
    };
  }
}

/** The attributes of a run's session entry (list) or item (by id): its log file's name among them. */
export function logEntryItemAttrs(run: RunRecord): Record<string, string> {
  const state = run.view.activityState!;
  return {
    CONSUMED_COMPUTE_UNITS: '0.0',
    ERROR_CODE: state === 1 ? '0' : state === 2 ? '8229' : '7002',
    IS_SERVER_LESS: 'false',
    REQUESTED_COMPUTE_UNITS: '0.0',
    'Session Log File Name': sessionLogFileName(run.task.federatedId, run.view.runId),
  };
}

/** The rows through the source and the target of a run's mapping. */
export function transformationEntries(run: RunRecord): NonNullable<ActivityLogEntry['transformationEntries']> {
  return [
    { '@type': 'transformationLogEntry', id: `${run.sessionLogId}1`, txName: 'Source', txType: 'SOURCE', successRows: run.rows.successSourceRows, failedRows: run.rows.failedSourceRows },
    { '@type': 'transformationLogEntry', id: `${run.sessionLogId}2`, txName: 'Target', txType: 'TARGET', successRows: run.rows.successTargetRows, failedRows: run.rows.failedTargetRows },
  ];
}

const STATE_OF: Record<FakeOutcome, FakeRunState> = { success: 'SUCCESS', warning: 'WARNING', failed: 'FAILED' };
const ACTIVITY_STATE_OF: Record<FakeOutcome, 1 | 2 | 3> = { success: 1, warning: 2, failed: 3 };
const RANK: Record<FakeOutcome, number> = { success: 0, warning: 1, failed: 2 };

function worstOutcome(run: RunRecord): FakeOutcome {
  let worst: FakeOutcome = run.task.outcome;
  for (const child of run.children) {
    const outcome: FakeOutcome = child.view.state === 'FAILED' ? 'failed' : child.view.state === 'WARNING' ? 'warning' : 'success';
    if (RANK[outcome] > RANK[worst]) worst = outcome;
  }
  return worst;
}

function rowsOf(outcome: FakeOutcome): Rows {
  if (outcome === 'success') return { successSourceRows: 250, failedSourceRows: 0, successTargetRows: 250, failedTargetRows: 0 };
  if (outcome === 'warning') return { successSourceRows: 250, failedSourceRows: 0, successTargetRows: 246, failedTargetRows: 4 };
  return { successSourceRows: 0, failedSourceRows: 0, successTargetRows: 0, failedTargetRows: 0 };
}

function sumRows(runs: RunRecord[]): Rows {
  const total: Rows = { successSourceRows: 0, failedSourceRows: 0, successTargetRows: 0, failedTargetRows: 0 };
  for (const run of runs) {
    total.successSourceRows += run.rows.successSourceRows;
    total.failedSourceRows += run.rows.failedSourceRows;
    total.successTargetRows += run.rows.successTargetRows;
    total.failedTargetRows += run.rows.failedTargetRows;
  }
  return total;
}

function cancelTimers(run: RunRecord): void {
  for (const timer of run.timers) timer.cancel();
  run.timers.length = 0;
}

function withDescendants(run: RunRecord): RunRecord[] {
  return [run, ...run.children.flatMap(withDescendants)];
}

/** Removes the matching items in place, so that references to the array stay valid. */
function removeWhere<T>(items: T[], drop: (item: T) => boolean): void {
  let kept = 0;
  for (const item of items) if (!drop(item)) items[kept++] = item;
  items.length = kept;
}
