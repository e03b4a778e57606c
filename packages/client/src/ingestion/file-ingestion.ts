import {
  formatIssues,
  parseFileIngestionJobRequest,
  parseFileIngestionJobResponse,
  parseFileIngestionJobStatus,
  parseFileIngestionTaskList,
  type FileIngestionJobRequest,
  type FileIngestionJobResponse,
} from '@iics-jobs/schema';
import { linkSignals, sleep } from '../abort.js';
import type { ApiClient } from '../api.js';
import { IicsAbortedError, IicsApiError, IicsError, IicsInvalidArgumentError, IicsInvalidResponseError, IicsTaskNotFoundError, IicsWaitTimeoutError } from '../errors.js';
import type { HttpResponse } from '../http.js';
import type { CallOptions, TaskLookup } from '../lookup.js';
import { describe, type IicsLogger } from '../options.js';
import { checkWaitOptions, DEFAULT_POLL_INTERVAL_MS, type WaitOptions } from '../wait.js';
import { toWireParameters, toWireVariables } from './parameters.js';
import { rawTopLevelNumber } from './run-id.js';
import { statusFromAnswer } from './status.js';
import type { FileIngestionLogs, FileIngestionStartRequest, FileIngestionStatus, FileIngestionWaitOptions, StartedFileIngestion } from './types.js';

const BASE = '/mftsaas/api/v1';
export const FILE_INGESTION_START_OPERATION = `POST ${BASE}/job`;
const START_KEYS = new Set(['taskId', 'path', 'taskName', 'parameters', 'variables']);
const SELECTORS = ['taskId', 'path', 'taskName'] as const;
const RUN_ID_KEYS = ['runId', 'RunId'] as const;

/** File ingestion and replication tasks (MI_TASK): `/mftsaas/api/v1/...` on the POD host, session in IDS-SESSION-ID. */
export class FileIngestion {
  readonly #api: ApiClient;
  readonly #lookup: TaskLookup;
  readonly #logger: IicsLogger;

  constructor(parts: { api: ApiClient; lookup: TaskLookup; logger: IicsLogger }) {
    ({ api: this.#api, lookup: this.#lookup, logger: this.#logger } = parts);
  }

  /** Starts the job; the start is never sent twice (a 401 or a connection that failed before sending aside). */
  async start(request: FileIngestionStartRequest, options: CallOptions = {}): Promise<StartedFileIngestion> {
    const req = checkRequest(request);
    const parameters = toWireParameters(req.parameters);
    const variables = toWireVariables(req.variables);
    const taskId = await this.#taskId(req, options);
    const body: FileIngestionJobRequest = { taskId };
    if (parameters) body.parameters = parameters;
    if (variables) body.variables = variables;
    const checked = parseFileIngestionJobRequest(body);
    if (!checked.ok) throw new IicsInvalidArgumentError(checked.errors[0]?.path.slice(1) || 'request', `Invalid file ingestion request: ${formatIssues(checked.errors)}`);

    let started: { runId: string; raw: FileIngestionJobResponse };
    try {
      started = await this.#api.call({
        method: 'POST',
        family: 'mft',
        path: `${BASE}/job`,
        body,
        kind: 'write',
        decode: readStartAnswer,
        ...signalOf(options),
      });
    } catch (error) {
      throw unknownTask(error, req, taskId);
    }
    this.#logger.info?.('Started IICS file ingestion job', { taskId, runId: started.runId });
    return { runId: started.runId, taskId, raw: started.raw };
  }

  /** The job's state now, with its files when the server lists them. */
  async status(runId: string, options: CallOptions = {}): Promise<FileIngestionStatus> {
    const id = checkRunId(runId);
    const raw = await this.#api.call({
      method: 'GET',
      family: 'mft',
      path: `${BASE}/job/${encodeURIComponent(id)}/status`,
      kind: 'read',
      parse: parseFileIngestionJobStatus,
      schemaName: 'FileIngestionJobStatus',
      ...signalOf(options),
    });
    return statusFromAnswer(id, raw);
  }

  /** Polls until the job ends; IICS_WAIT_TIMEOUT (with the last status) when `timeoutMs` passes first. */
  async wait(runId: string, options: FileIngestionWaitOptions = {}): Promise<FileIngestionStatus> {
    const id = checkRunId(runId);
    const checked = checkWaitOptions(options as WaitOptions) as FileIngestionWaitOptions;
    const deadline = new AbortController();
    const timer = checked.timeoutMs !== undefined ? setTimeout(() => deadline.abort(), checked.timeoutMs) : undefined;
    const linked = linkSignals(checked.signal, deadline.signal);
    let last: FileIngestionStatus | undefined;
    try {
      for (;;) {
        last = await this.status(id, { signal: linked.signal });
        checked.onUpdate?.(last);
        if (last.terminal) return last;
        await sleep(checked.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS, linked.signal);
      }
    } catch (error) {
      const lastStatus = last ? { lastStatus: last } : {};
      if (deadline.signal.aborted && !checked.signal?.aborted) {
        throw new IicsWaitTimeoutError(`File ingestion job ${id} was still ${last?.state ?? 'unknown'} after ${checked.timeoutMs} ms; it goes on without us.`, {
          runId: id,
          timeoutMs: checked.timeoutMs!,
          ...lastStatus,
        });
      }
      if (checked.signal?.aborted) {
        throw new IicsAbortedError(`Stopped waiting for file ingestion job ${id}; the job goes on.`, {
          runId: id,
          ...lastStatus,
          cause: error instanceof IicsError ? error : checked.signal.reason,
        });
      }
      throw error;
    } finally {
      if (timer) clearTimeout(timer);
      linked.dispose();
    }
  }

  /** start + wait. */
  async run(request: FileIngestionStartRequest, options: FileIngestionWaitOptions = {}): Promise<FileIngestionStatus> {
    const checked = checkWaitOptions(options as WaitOptions) as FileIngestionWaitOptions;
    const started = await this.start(request, signalOf(checked));
    return this.wait(started.runId, checked);
  }

  /** The job's log files: the bytes as sent, and their content type (UNCONFIRMED: zip, text or JSON). */
  async logs(runId: string, options: CallOptions = {}): Promise<FileIngestionLogs> {
    const id = checkRunId(runId);
    return this.#api.call({
      method: 'GET',
      family: 'mft',
      path: `${BASE}/job/${encodeURIComponent(id)}/logs`,
      // JSON first, as the service's rules ask, but anything is taken: the media type is unknown.
      accept: 'application/json, application/zip, application/octet-stream, text/plain, */*',
      kind: 'read',
      decode: (res) => ({ contentType: header(res, 'content-type'), body: new Uint8Array(res.bytes) }),
      ...signalOf(options),
    });
  }

  async #taskId(req: Checked, options: CallOptions): Promise<string> {
    if (req.kind === 'taskId') return req.value;
    if (req.kind === 'path') return (await this.#lookup.lookup({ path: req.value, type: 'MI_TASK' }, options)).id;
    const list = await this.#api.call({
      method: 'GET',
      family: 'mft',
      path: `${BASE}/mitasks`,
      kind: 'read',
      parse: parseFileIngestionTaskList,
      schemaName: 'FileIngestionTaskList',
      ...signalOf(options),
    });
    // The documentation's table says taskId/taskName, its samples id/name.
    const matches = list.mitasks.filter((t) => (t.name ?? t.taskName) === req.value && (t.id ?? t.taskId));
    if (matches.length === 0) throw new IicsTaskNotFoundError(`No file ingestion task is named "${req.value}" (GET ${BASE}/mitasks).`, { task: { taskName: req.value, taskType: 'MI_TASK' } });
    if (matches.length > 1) {
      throw new IicsInvalidArgumentError('taskName', `${matches.length} file ingestion tasks are named "${req.value}"; start it by taskId or path.`);
    }
    return (matches[0]!.id ?? matches[0]!.taskId)!;
  }
}

type Checked = { kind: (typeof SELECTORS)[number]; value: string; parameters?: unknown; variables?: unknown };

function checkRequest(request: unknown): Checked {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) {
    throw new IicsInvalidArgumentError('request', 'fileIngestion.start needs an object such as { taskId: "..." } or { path: "Project/Folder/MI_Task" }.');
  }
  const req = request as Record<string, unknown>;
  for (const key of Object.keys(req)) {
    if (!START_KEYS.has(key)) throw new IicsInvalidArgumentError(key, `fileIngestion.start: unknown field "${key}"; the fields are ${[...START_KEYS].join(', ')}.`);
  }
  const given = SELECTORS.filter((k) => req[k] !== undefined);
  if (given.length !== 1) {
    throw new IicsInvalidArgumentError(
      given[1] ?? 'taskId',
      given.length === 0 ? 'Name the file ingestion task with one of taskId, path or taskName.' : `Name the task one way only; got ${given.join(' and ')}.`,
    );
  }
  const kind = given[0]!;
  const value = req[kind];
  if (typeof value !== 'string' || value.trim() === '') throw new IicsInvalidArgumentError(kind, `${kind} must be a non-empty string (got ${describe(value)}).`);
  return { kind, value, parameters: req.parameters, variables: req.variables };
}

function checkRunId(runId: unknown): string {
  if (typeof runId !== 'string' || runId.trim() === '') {
    throw new IicsInvalidArgumentError(
      'runId',
      `runId must be the string that fileIngestion.start returned (got ${describe(runId)}); run ids may exceed 2^53, so they are never numbers.`,
    );
  }
  return runId;
}

/** The run id from `runId`, then `RunId`: a string as it is, a number as its digits in the raw text. */
function readStartAnswer(res: HttpResponse, operation: string): { runId: string; raw: FileIngestionJobResponse } {
  const invalid = (path: string, message: string) =>
    new IicsInvalidResponseError(`${operation} answered HTTP ${res.status} without a usable run id: ${path || '(root)'}: ${message}`, {
      operation,
      status: res.status,
      issues: [{ path, message }],
    });
  let json: unknown;
  try {
    json = JSON.parse(res.text);
  } catch {
    throw invalid('', res.text.trim() === '' ? 'an empty body' : 'not JSON');
  }
  const parsed = parseFileIngestionJobResponse(json);
  if (!parsed.ok) throw invalid(parsed.errors[0]?.path ?? '', parsed.errors[0]?.message ?? 'invalid');
  for (const key of RUN_ID_KEYS) {
    const value = parsed.value[key];
    if (typeof value === 'string') return { runId: value, raw: parsed.value };
    if (typeof value === 'number') {
      const digits = rawTopLevelNumber(res.text, key);
      if (digits === undefined || !/^\d+$/.test(digits)) throw invalid(`/${key}`, 'a number that is not a whole number');
      return { runId: digits, raw: parsed.value };
    }
  }
  throw invalid('/runId', 'neither runId nor RunId is in the answer');
}

/** A 404 from the start itself, or a 4xx saying so, means the task id names no task. */
function unknownTask(error: unknown, req: Checked, taskId: string): unknown {
  if (!(error instanceof IicsApiError) || error.operation !== FILE_INGESTION_START_OPERATION) return error;
  const notFound = error.status === 404 || (error.status >= 400 && error.status < 500 && /not (be )?found|does not exist|invalid task|no task/i.test(error.description ?? ''));
  if (!notFound) return error;
  return new IicsTaskNotFoundError(`IICS knows no file ingestion task with ${req.kind} "${req.value}"${req.kind === 'taskId' ? '' : ` (id ${taskId})`}: ${error.description ?? `HTTP ${error.status}`}`, {
    task: { [req.kind]: req.value, taskType: 'MI_TASK' },
    status: error.status,
    ...(error.iicsCode ? { iicsCode: error.iicsCode } : {}),
    ...(error.description ? { description: error.description } : {}),
    ...(error.requestId ? { requestId: error.requestId } : {}),
  });
}

function header(res: HttpResponse, name: string): string {
  const value = res.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

function signalOf(options: { signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return options.signal ? { signal: options.signal } : {};
}
