import { parseActivityLogEntry, type ActivityLogEntry, type TransformationLogEntry } from '@iics-jobs/schema';
import { arrayOf, type ApiClient } from '../api.js';
import { IicsApiError, IicsInvalidArgumentError, IicsLogNotFoundError } from '../errors.js';
import type { CallOptions } from '../lookup.js';
import { describe } from '../options.js';
import { findLogEntry, type JobRef } from '../status.js';
import { readLogAnswer, type TextSink } from './log-stream.js';

/** The session log of one task run. */
export interface TaskLog {
  taskId?: string;
  taskName?: string;
  runId: number;
  /** The log file's name (`Content-Disposition`, the zip member, or the entry's `Session Log File Name`). */
  fileName?: string;
  text: string;
}

/** What `jobs.log` returns. For a linear taskflow, `tasks` holds each task's log and `text` all of them, each under a header line. */
export interface JobLog {
  fileName?: string;
  text: string;
  tasks?: TaskLog[];
}

/** Where `jobs.pipeLog` writes: called once per log file, then with its text piece by piece. */
export interface LogWriter {
  /** A new file begins (for a taskflow: one per task; `of` is how many tasks have a log). */
  file?(info: Omit<TaskLog, 'text'>, position: { index: number; of: number }): void | Promise<void>;
  write: TextSink;
}

/** One file of a piped log: its name and how many characters of text it had. */
export type PipedFile = Omit<TaskLog, 'text'> & { chars: number };

/** The log of a run, whose lines `open` decides what to do with: keep them, tail them, or pass them on. */
export interface LogTarget {
  taskId?: string;
  taskName?: string;
  runId: number;
  /** The `Session Log File Name` the activity log gives, used when the answer names no file. */
  fileName?: string;
  /** The taskflow's entry id and this task's `itemId`, or the run's own entry id. */
  entryId: string;
  itemId?: string;
}

const LIST_PATH = '/api/v2/activity/activityLog';

/** The session log resource: `GET /api/v2/activity/activityLog/{id}/sessionLog[?itemId=…]`. */
export class SessionLogs {
  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  /** The run's activity log entry (a taskflow's task found inside it), or IICS_LOG_NOT_FOUND. */
  async entry(ref: JobRef, options: CallOptions = {}): Promise<ActivityLogEntry> {
    const entries = await this.#api.call({
      method: 'GET',
      family: 'v2',
      path: LIST_PATH,
      query: { taskId: ref.taskId, runId: ref.runId },
      kind: 'read',
      parse: arrayOf(parseActivityLogEntry),
      schemaName: 'ActivityLogEntry[]',
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const entry = findLogEntry(entries, ref);
    if (!entry) {
      throw new IicsLogNotFoundError(
        `Run ${ref.runId} of task ${ref.taskId} has no session log: it is not in the activity log (still running, or no such run).`,
        ref,
      );
    }
    return entry;
  }

  /** The logs an entry has: its own, or for a linear taskflow one per task, in order. */
  targets(entry: ActivityLogEntry): LogTarget[] {
    const children = entry.entries ?? [];
    if (entry.type?.toUpperCase() === 'WORKFLOW' && children.length > 0) {
      return children.map((child) => target(child, entry.id, child.id));
    }
    return [target(entry, entry.id, undefined)];
  }

  /** Streams one target's log into the sinks `open` returns (one per file in the answer). */
  async read(ref: JobRef, logTarget: LogTarget, open: (fileName: string | undefined) => TextSink, options: CallOptions = {}): Promise<void> {
    const path = `${LIST_PATH}/${encodeURIComponent(logTarget.entryId)}/sessionLog`;
    try {
      await this.#api.stream(
        {
          method: 'GET',
          family: 'v2',
          path,
          ...(logTarget.itemId !== undefined ? { query: { itemId: logTarget.itemId } } : {}),
          kind: 'read',
          ...(options.signal ? { signal: options.signal } : {}),
        },
        (res) => readLogAnswer(res, `GET ${path}`, (name) => open(name ?? logTarget.fileName)),
      );
    } catch (error) {
      if (error instanceof IicsApiError && error.status === 404) {
        const what = logTarget.taskName ? `${logTarget.taskName} run ${logTarget.runId}` : `run ${logTarget.runId}`;
        throw new IicsLogNotFoundError(`IICS has no session log for ${what} of task ${ref.taskId}: ${error.iicsCode ? `${error.iicsCode}: ` : ''}${error.description ?? 'HTTP 404'}`, {
          ...ref,
          status: error.status,
          ...(error.iicsCode ? { iicsCode: error.iicsCode } : {}),
        });
      }
      throw error;
    }
  }

  /** The whole log as text. The answer is decoded as it arrives; only the text is kept. */
  async log(ref: JobRef, options: CallOptions = {}): Promise<JobLog> {
    const checked = checkLogRef(ref);
    const entry = await this.entry(checked, options);
    const tasks: TaskLog[] = [];
    for (const logTarget of this.targets(entry)) {
      const files: Array<{ fileName?: string; text: string }> = [];
      await this.read(checked, logTarget, (fileName) => {
        const file: { fileName?: string; text: string } = { text: '', ...(fileName ? { fileName } : {}) };
        files.push(file);
        return (text) => void (file.text += text);
      }, options);
      tasks.push({ ...info(logTarget, files[0]?.fileName), text: joinFiles(files) });
    }
    if (tasks.length === 1 && entry.type?.toUpperCase() !== 'WORKFLOW') {
      const only = tasks[0]!;
      return { text: only.text, ...(only.fileName ? { fileName: only.fileName } : {}) };
    }
    return { text: tasks.map((task) => `${fileHeader(task)}${task.text}`).join(''), tasks };
  }

  /** Writes the log to `writer` as it arrives, holding none of it: for logs too large to keep, and for the CLI. */
  async pipe(ref: JobRef, writer: LogWriter, options: CallOptions = {}): Promise<PipedFile[]> {
    const checked = checkLogRef(ref);
    if (writer === null || typeof writer !== 'object' || typeof writer.write !== 'function') {
      throw new IicsInvalidArgumentError('writer', 'pipeLog needs a writer { write(text), file?(info) }.');
    }
    const entry = await this.entry(checked, options);
    const piped: PipedFile[] = [];
    const targets = this.targets(entry);
    for (const [index, logTarget] of targets.entries()) {
      let current: PipedFile | undefined;
      const pending: Array<void | Promise<void>> = [];
      await this.read(checked, logTarget, (fileName) => {
        const file: PipedFile = { ...info(logTarget, fileName), chars: 0 };
        piped.push(file);
        current = file;
        pending.push(writer.file?.(info(logTarget, fileName), { index, of: targets.length }));
        return async (text) => {
          for (const promise of pending.splice(0)) await promise;
          current!.chars += text.length;
          await writer.write(text);
        };
      }, options);
      for (const promise of pending.splice(0)) await promise;
    }
    return piped;
  }
}

function target(entry: ActivityLogEntry, entryId: string, itemId: string | undefined): LogTarget {
  const out: LogTarget = { runId: entry.runId, entryId, ...(itemId !== undefined ? { itemId } : {}) };
  if (entry.objectId) out.taskId = entry.objectId;
  if (entry.objectName) out.taskName = entry.objectName;
  const fileName = sessionLogFileName(entry);
  if (fileName) out.fileName = fileName;
  return out;
}

/**
 * What the readers look into: a list entry (children in `entries`), the entry by id (`items`), or
 * one of its `activityLogEntryItem`s (`children`); all three fit this.
 */
export interface LogNode {
  errorMsg?: string | null;
  logEntryItemAttrs?: Record<string, string>;
  transformationEntries?: TransformationLogEntry[];
}

/** The children of any of them, read tolerantly: `entries`, `items` and `children`, whichever it has. */
export function childNodes(node: LogNode): LogNode[] {
  const out: LogNode[] = [];
  for (const key of ['entries', 'items', 'children'] as const) {
    const list = (node as Partial<Record<typeof key, unknown>>)[key];
    if (Array.isArray(list)) for (const child of list) if (child !== null && typeof child === 'object') out.push(child as LogNode);
  }
  return out;
}

/** The `Session Log File Name` of the entry or of the first of its children that has one. */
export function sessionLogFileName(entry: LogNode): string | undefined {
  const own = entry.logEntryItemAttrs?.['Session Log File Name'];
  if (own) return own;
  for (const child of childNodes(entry)) {
    const name = sessionLogFileName(child);
    if (name) return name;
  }
  return undefined;
}

function info(logTarget: LogTarget, fileName: string | undefined): Omit<TaskLog, 'text'> {
  const out: Omit<TaskLog, 'text'> = { runId: logTarget.runId };
  if (logTarget.taskId) out.taskId = logTarget.taskId;
  if (logTarget.taskName) out.taskName = logTarget.taskName;
  const name = fileName ?? logTarget.fileName;
  if (name) out.fileName = name;
  return out;
}

/** A zip of several files is read as one text, each file under its name. */
function joinFiles(files: Array<{ fileName?: string; text: string }>): string {
  if (files.length === 1) return files[0]!.text;
  return files.map((file) => `==> ${file.fileName ?? 'log'} <==\n${file.text}`).join('');
}

function fileHeader(task: Omit<TaskLog, 'text'>): string {
  return `==> ${task.taskName ?? task.taskId ?? 'task'} run ${task.runId}${task.fileName ? `: ${task.fileName}` : ''} <==\n`;
}

export function checkLogRef(ref: unknown): JobRef {
  if (ref === null || typeof ref !== 'object') throw new IicsInvalidArgumentError('ref', 'Name the run as { taskId, runId }.');
  const { taskId, runId } = ref as Record<string, unknown>;
  if (typeof taskId !== 'string' || taskId === '') throw new IicsInvalidArgumentError('taskId', `taskId must be the v2 task id (got ${describe(taskId)}).`);
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 0) {
    throw new IicsInvalidArgumentError('runId', `runId must be a non-negative integer (got ${describe(runId)}).`);
  }
  return { taskId, runId };
}
