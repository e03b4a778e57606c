import { parseActivityLogEntryDetail, type ActivityLogEntry, type ActivityLogEntryDetail } from '@iics-jobs/schema';
import type { ApiClient } from '../api.js';
import { IicsApiError, IicsInvalidArgumentError, IicsLogNotFoundError } from '../errors.js';
import type { CallOptions } from '../lookup.js';
import { describe } from '../options.js';
import { stateFromLogState, type JobRef, type JobRows, type JobState, type JobStatus } from '../status.js';
import { checkLogRef, childNodes, sessionLogFileName, type LogNode, type LogTarget, type SessionLogs } from './log.js';

/** Rows through one transformation of a mapping (the activity log's `transformationEntries`). */
export interface TransformationRows {
  name: string;
  type?: string;
  successRows: number;
  failedRows: number;
}

/** What went on in one task run. */
export interface TaskReport {
  taskId?: string;
  taskName?: string;
  runId: number;
  state: JobState | (string & {});
  errorMessage?: string;
  transformations: TransformationRows[];
  logFileName?: string;
  /** The last lines of the session log (at most `tailLines`). */
  logTail: string[];
  /** Why `logTail` is empty, when the log could not be read (it does not stop the report). */
  logError?: string;
}

/** `jobs.report`: the status, and for an ended run what a person needs to see why it failed. */
export interface JobReport extends TaskReport {
  taskId: string;
  taskType?: string;
  terminal: boolean;
  startedAt?: Date;
  endedAt?: Date;
  rows?: JobRows;
  /** The tasks of a linear taskflow, each with its own rows and log tail. */
  tasks?: TaskReport[];
  status: JobStatus;
}

export interface ReportOptions extends CallOptions {
  /** Lines of each session log to keep, from its end. Default 20; 0 reads no log. */
  tailLines?: number;
}

export const DEFAULT_TAIL_LINES = 20;
const MAX_TAIL_LINES = 10_000;
const MAX_LINE_CHARS = 64 * 1024;

/** Builds a report from the status, the entry by id (`items`), and the session logs read from their ends. */
export async function buildReport(
  api: ApiClient,
  logs: SessionLogs,
  status: (ref: JobRef, options: CallOptions) => Promise<JobStatus>,
  ref: JobRef,
  options: ReportOptions = {},
): Promise<JobReport> {
  const checked = checkLogRef(ref);
  const tailLines = checkTailLines(options.tailLines);
  const call: CallOptions = options.signal ? { signal: options.signal } : {};
  const now = await status(checked, call);
  const report: JobReport = {
    taskId: checked.taskId,
    runId: checked.runId,
    state: now.state,
    terminal: now.terminal,
    transformations: [],
    logTail: [],
    status: now,
  };
  for (const key of ['taskName', 'taskType', 'startedAt', 'endedAt', 'errorMessage', 'rows'] as const) {
    if (now[key] !== undefined) (report as unknown as Record<string, unknown>)[key] = now[key];
  }
  // Only an ended run has a log entry, and so a session log.
  if (now.source !== 'log' || !now.raw) return report;
  const entry = now.raw as ActivityLogEntry;
  const detail = await entryById(api, entry.id, call);

  const targets = logs.targets(entry);
  const isTaskflow = entry.type?.toUpperCase() === 'WORKFLOW' && (entry.entries ?? []).length > 0;
  const parts: TaskReport[] = [];
  for (const [index, logTarget] of targets.entries()) {
    const child = isTaskflow ? entry.entries![index]! : entry;
    // The entry by id is the richer source for a task (its items); a taskflow's tasks are read from the list.
    const sources = !isTaskflow && detail ? [detail, entry] : [child];
    const part = taskReport(logTarget, child, sources);
    if (tailLines > 0) await readTail(logs, checked, logTarget, part, tailLines, call);
    parts.push(part);
  }
  if (isTaskflow) {
    report.tasks = parts;
    report.transformations = parts.flatMap((part) => part.transformations);
    // The taskflow's own tail is that of its last task to run: where it stopped.
    const last = parts.at(-1);
    if (last) {
      report.logTail = last.logTail;
      if (last.logFileName) report.logFileName = last.logFileName;
      if (last.logError) report.logError = last.logError;
    }
  } else if (parts[0]) {
    const only = parts[0];
    report.transformations = only.transformations;
    report.logTail = only.logTail;
    if (only.logFileName) report.logFileName = only.logFileName;
    if (only.logError) report.logError = only.logError;
    if (!report.errorMessage && only.errorMessage) report.errorMessage = only.errorMessage;
  }
  return report;
}

/** `GET /activityLog/{id}`; undefined when IICS has no such entry (the list entry then serves alone). */
async function entryById(api: ApiClient, id: string, call: CallOptions): Promise<ActivityLogEntryDetail | undefined> {
  try {
    return await api.call({
      method: 'GET',
      family: 'v2',
      path: `/api/v2/activity/activityLog/${encodeURIComponent(id)}`,
      kind: 'read',
      parse: parseActivityLogEntryDetail,
      schemaName: 'ActivityLogEntryDetail',
      ...call,
    });
  } catch (error) {
    if (error instanceof IicsApiError && error.status === 404) return undefined;
    throw error;
  }
}

function taskReport(logTarget: LogTarget, entry: ActivityLogEntry, sources: LogNode[]): TaskReport {
  const part: TaskReport = { runId: logTarget.runId, state: stateFromLogState(entry.state).state, transformations: [], logTail: [] };
  if (logTarget.taskId) part.taskId = logTarget.taskId;
  if (logTarget.taskName) part.taskName = logTarget.taskName;
  for (const source of sources) {
    const rows = transformationsOf(source);
    if (rows.length > 0) {
      part.transformations = rows;
      break;
    }
  }
  const message = sources.map(firstError).find((m) => m !== undefined);
  if (message) part.errorMessage = message;
  const fileName = sources.map(sessionLogFileName).find((name) => name !== undefined);
  if (fileName) part.logFileName = fileName;
  return part;
}

/** Every `transformationEntries` row in the entry and below it (entries, items, children). */
function transformationsOf(entry: LogNode): TransformationRows[] {
  const out: TransformationRows[] = [];
  for (const row of entry.transformationEntries ?? []) {
    const item: TransformationRows = { name: row.txName ?? row.id ?? '?', successRows: row.successRows ?? 0, failedRows: row.failedRows ?? 0 };
    if (row.txType) item.type = row.txType;
    out.push(item);
  }
  for (const child of childNodes(entry)) out.push(...transformationsOf(child));
  return out;
}

const NO_ERRORS = /^no errors encountered\.?$/i;

function firstError(entry: LogNode): string | undefined {
  if (entry.errorMsg && !NO_ERRORS.test(entry.errorMsg)) return entry.errorMsg;
  for (const child of childNodes(entry)) {
    const message = firstError(child);
    if (message) return message;
  }
  return undefined;
}

async function readTail(logs: SessionLogs, ref: JobRef, logTarget: LogTarget, part: TaskReport, max: number, call: CallOptions): Promise<void> {
  const tail = new LineTail(max);
  try {
    await logs.read(ref, logTarget, (fileName) => {
      if (fileName && !part.logFileName) part.logFileName = fileName;
      tail.newFile();
      return (text) => tail.push(text);
    }, call);
    part.logTail = tail.lines();
  } catch (error) {
    if (!(error instanceof IicsLogNotFoundError)) throw error;
    part.logError = error.message;
  }
}

/** Keeps the last `max` lines of a text that arrives in pieces, and nothing more. */
export class LineTail {
  readonly #max: number;
  readonly #lines: string[] = [];
  #partial = '';

  constructor(max: number) {
    this.#max = max;
  }

  push(text: string): void {
    const pieces = (this.#partial + text).split('\n');
    // A line without end (a binary file, say) is cut, not grown without bound.
    this.#partial = pieces.pop()!.slice(-MAX_LINE_CHARS);
    for (const line of pieces.slice(-this.#max)) this.#keep(line.replace(/\r$/, ''));
  }

  /** A new file starts: its first line does not continue the last one's. */
  newFile(): void {
    if (this.#partial !== '') this.#keep(this.#partial);
    this.#partial = '';
  }

  lines(): string[] {
    this.newFile();
    return [...this.#lines];
  }

  #keep(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#max) this.#lines.splice(0, this.#lines.length - this.#max);
  }
}

function checkTailLines(value: unknown): number {
  if (value === undefined) return DEFAULT_TAIL_LINES;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_TAIL_LINES) {
    throw new IicsInvalidArgumentError('tailLines', `tailLines must be a whole number from 0 to ${MAX_TAIL_LINES} (got ${describe(value)}).`);
  }
  return value;
}
