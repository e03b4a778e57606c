import type { FileIngestionStatus } from './ingestion/types.js';
import type { JobStatus } from './status.js';

/** Every `code` an {@link IicsError} can carry. Match on these, not on messages or class names. */
export type IicsErrorCode =
  | 'IICS_API_ERROR'
  | 'IICS_AUTH_FAILED'
  | 'IICS_TIMEOUT'
  | 'IICS_NETWORK'
  | 'IICS_INVALID_RESPONSE'
  | 'IICS_TASK_NOT_FOUND'
  | 'IICS_RUN_NOT_FOUND'
  | 'IICS_INVALID_ARGUMENT'
  | 'IICS_ABORTED'
  | 'IICS_WAIT_TIMEOUT'
  | 'IICS_CLIENT_CLOSED';

/** The fields IICS puts into its error objects (v2 `{code, description, statusCode}`, v3 `{error: {code, message, requestId}}`). */
export interface IicsErrorFields {
  /** HTTP status of the answer. */
  status: number;
  /** IICS's own code, e.g. `UI_10000`, `APP_13436`, `IDS_085`, when the body carried one. */
  iicsCode?: string;
  /** v2 `description` or v3 `message`. */
  description?: string;
  /** v3 `requestId`, to quote to Informatica support. */
  requestId?: string;
  /** v3 `debugMessage`. */
  debugMessage?: string;
  /** v2 `statusCode` from the body (it does not always equal the HTTP status). */
  statusCode?: number;
}

/** The base of every error this package throws. */
export abstract class IicsError extends Error {
  declare readonly code: IicsErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // The code is an own, enumerable property so that util.inspect and JSON show it; the literal
    // comes from the subclass's static `code`, so that one table holds both.
    const code = (new.target as unknown as { code: IicsErrorCode }).code;
    Object.defineProperty(this, 'code', { value: code, enumerable: true, writable: false, configurable: true });
  }

  /** A plain object for JSON logs: name, code, message and the class's own fields (no stack, no cause). */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key === 'cause' || value === undefined) continue;
      out[key] = value;
    }
    return out;
  }
}

/** IICS answered with a status other than 2xx (and it is neither an authentication failure nor an unknown task). */
export class IicsApiError extends IicsError {
  static readonly code = 'IICS_API_ERROR';
  declare readonly name: 'IicsApiError';
  declare readonly code: 'IICS_API_ERROR';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsApiError', configurable: true, writable: true });
  }
  readonly status: number;
  declare readonly iicsCode?: string;
  declare readonly description?: string;
  declare readonly requestId?: string;
  declare readonly debugMessage?: string;
  declare readonly statusCode?: number;
  /** "POST /api/v2/job": the resource that answered. */
  readonly operation: string;
  /** Milliseconds from a `Retry-After` header, when there was one. */
  declare readonly retryAfterMs?: number;

  constructor(message: string, fields: IicsErrorFields & { operation: string; retryAfterMs?: number }) {
    super(message);
    this.status = fields.status;
    this.operation = fields.operation;
    assignDefined(this, fields, ['iicsCode', 'description', 'requestId', 'debugMessage', 'statusCode', 'retryAfterMs']);
  }
}

/** Login was refused (wrong user name or password, locked user), or IICS kept refusing a fresh session. */
export class IicsAuthError extends IicsError {
  static readonly code = 'IICS_AUTH_FAILED';
  declare readonly name: 'IicsAuthError';
  declare readonly code: 'IICS_AUTH_FAILED';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsAuthError', configurable: true, writable: true });
  }
  declare readonly status?: number;
  declare readonly iicsCode?: string;
  declare readonly description?: string;
  declare readonly requestId?: string;

  constructor(message: string, fields: Partial<IicsErrorFields> = {}) {
    super(message);
    assignDefined(this, fields, ['status', 'iicsCode', 'description', 'requestId']);
  }
}

/** One request to IICS took longer than its timeout (`timeouts.requestMs`, `timeouts.loginMs`). */
export class IicsTimeoutError extends IicsError {
  static readonly code = 'IICS_TIMEOUT';
  declare readonly name: 'IicsTimeoutError';
  declare readonly code: 'IICS_TIMEOUT';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsTimeoutError', configurable: true, writable: true });
  }
  readonly timeoutMs: number;
  readonly operation: string;

  constructor(message: string, fields: { timeoutMs: number; operation: string }) {
    super(message);
    this.timeoutMs = fields.timeoutMs;
    this.operation = fields.operation;
  }
}

/** The connection failed or broke: refused, reset, closed before the answer, DNS failure. */
export class IicsNetworkError extends IicsError {
  static readonly code = 'IICS_NETWORK';
  declare readonly name: 'IicsNetworkError';
  declare readonly code: 'IICS_NETWORK';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsNetworkError', configurable: true, writable: true });
  }
  readonly operation: string;
  /** The system or undici code, e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`. */
  declare readonly causeCode?: string;
  /** True when no connection was made, so the request certainly never reached IICS. */
  readonly connectFailed: boolean;

  constructor(message: string, fields: { operation: string; causeCode?: string; connectFailed: boolean; cause?: unknown }) {
    super(message, { cause: fields.cause });
    this.operation = fields.operation;
    this.connectFailed = fields.connectFailed;
    assignDefined(this, fields, ['causeCode']);
  }
}

/** A 2xx answer that is not what the API promises: not JSON, or not valid against the schema. */
export class IicsInvalidResponseError extends IicsError {
  static readonly code = 'IICS_INVALID_RESPONSE';
  declare readonly name: 'IicsInvalidResponseError';
  declare readonly code: 'IICS_INVALID_RESPONSE';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsInvalidResponseError', configurable: true, writable: true });
  }
  readonly operation: string;
  readonly status: number;
  /** JSON pointer of the first problem ("" for the whole body), e.g. "/runId". */
  readonly schemaPath: string;
  readonly issues: ReadonlyArray<{ path: string; message: string }>;

  constructor(
    message: string,
    fields: { operation: string; status: number; issues: ReadonlyArray<{ path: string; message: string }> },
  ) {
    super(message);
    this.operation = fields.operation;
    this.status = fields.status;
    this.issues = fields.issues;
    this.schemaPath = fields.issues[0]?.path ?? '';
  }
}

/** The task named by id, federated id, name or path does not exist (lookup found nothing, or IICS refused the start for it). */
export class IicsTaskNotFoundError extends IicsError {
  static readonly code = 'IICS_TASK_NOT_FOUND';
  declare readonly name: 'IicsTaskNotFoundError';
  declare readonly code: 'IICS_TASK_NOT_FOUND';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsTaskNotFoundError', configurable: true, writable: true });
  }
  /** How the task was named, e.g. `{ path: "Sales/MT_Load", taskType: "MTT" }`. */
  readonly task: Readonly<Record<string, string>>;
  declare readonly status?: number;
  declare readonly iicsCode?: string;
  declare readonly description?: string;
  declare readonly requestId?: string;

  constructor(message: string, fields: { task: Record<string, string> } & Partial<IicsErrorFields>) {
    super(message);
    this.task = fields.task;
    assignDefined(this, fields, ['status', 'iicsCode', 'description', 'requestId']);
  }
}

/**
 * The run (taskId, runId) was in neither the activity monitor nor the activity log for longer than the
 * grace period (`notFoundAfterMs`): a run id that does not exist, or one of another task.
 */
export class IicsRunNotFoundError extends IicsError {
  static readonly code = 'IICS_RUN_NOT_FOUND';
  declare readonly name: 'IicsRunNotFoundError';
  declare readonly code: 'IICS_RUN_NOT_FOUND';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsRunNotFoundError', configurable: true, writable: true });
  }
  readonly taskId: string;
  readonly runId: number;
  /** How long the run was looked for without being listed. */
  readonly notFoundAfterMs: number;

  constructor(message: string, fields: { taskId: string; runId: number; notFoundAfterMs: number }) {
    super(message);
    this.taskId = fields.taskId;
    this.runId = fields.runId;
    this.notFoundAfterMs = fields.notFoundAfterMs;
  }
}

/** An option or argument is missing or wrong; nothing was sent. */
export class IicsInvalidArgumentError extends IicsError {
  static readonly code = 'IICS_INVALID_ARGUMENT';
  declare readonly name: 'IicsInvalidArgumentError';
  declare readonly code: 'IICS_INVALID_ARGUMENT';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsInvalidArgumentError', configurable: true, writable: true });
  }
  /** The option or field at fault, e.g. "taskType", "options.timeouts.requestMs". */
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.field = field;
  }
}

/** The caller's AbortSignal fired. For a wait, the job itself goes on. */
export class IicsAbortedError extends IicsError {
  static readonly code = 'IICS_ABORTED';
  declare readonly name: 'IicsAbortedError';
  declare readonly code: 'IICS_ABORTED';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsAbortedError', configurable: true, writable: true });
  }
  declare readonly taskId?: string;
  /** A number for v2 jobs; a string for file ingestion jobs (their run ids may exceed 2^53). */
  declare readonly runId?: number | string;
  declare readonly lastStatus?: JobStatus | FileIngestionStatus;

  constructor(
    message: string,
    fields: { taskId?: string; runId?: number | string; lastStatus?: JobStatus | FileIngestionStatus; cause?: unknown } = {},
  ) {
    super(message, { cause: fields.cause });
    assignDefined(this, fields, ['taskId', 'runId', 'lastStatus']);
  }
}

/** `jobs.wait` / `jobs.run` reached `timeoutMs` while the job was still going; the job goes on. */
export class IicsWaitTimeoutError extends IicsError {
  static readonly code = 'IICS_WAIT_TIMEOUT';
  declare readonly name: 'IicsWaitTimeoutError';
  declare readonly code: 'IICS_WAIT_TIMEOUT';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsWaitTimeoutError', configurable: true, writable: true });
  }
  /** The v2 task id; absent for a file ingestion job, which its run id names alone. */
  declare readonly taskId?: string;
  /** A number for v2 jobs; a string for file ingestion jobs (their run ids may exceed 2^53). */
  readonly runId: number | string;
  readonly timeoutMs: number;
  /** The last status seen (absent when not even one poll finished in time). */
  declare readonly lastStatus?: JobStatus | FileIngestionStatus;

  constructor(
    message: string,
    fields: { taskId?: string; runId: number | string; timeoutMs: number; lastStatus?: JobStatus | FileIngestionStatus },
  ) {
    super(message);
    this.runId = fields.runId;
    this.timeoutMs = fields.timeoutMs;
    assignDefined(this, fields, ['taskId', 'lastStatus']);
  }
}

/** The client was closed with `close()`; create a new one. */
export class IicsClientClosedError extends IicsError {
  static readonly code = 'IICS_CLIENT_CLOSED';
  declare readonly name: 'IicsClientClosedError';
  declare readonly code: 'IICS_CLIENT_CLOSED';
  static {
    Object.defineProperty(this.prototype, 'name', { value: 'IicsClientClosedError', configurable: true, writable: true });
  }

  constructor(message = 'This IICS client was closed; create a new one with createIicsClient().', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Is `error` one of ours with this code? Narrows the type. */
export function isIicsError<C extends IicsErrorCode>(error: unknown, code?: C): error is IicsError & { code: C } {
  return error instanceof IicsError && (code === undefined || error.code === code);
}

function assignDefined<T extends object, K extends string>(target: T, source: Partial<Record<K, unknown>>, keys: readonly K[]): void {
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}
