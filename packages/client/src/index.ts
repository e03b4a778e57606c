export { createIicsClient, type IicsClient, type IicsFileIngestionApi, type IicsJobsApi, type IicsTasksApi } from './client.js';
export { FILE_INGESTION_PARAMETERS } from './ingestion/parameters.js';
export { stateFromJobStatus } from './ingestion/status.js';
export type {
  FileIngestionFile,
  FileIngestionLogs,
  FileIngestionParameters,
  FileIngestionStartRequest,
  FileIngestionState,
  FileIngestionStatus,
  FileIngestionTaskSelector,
  FileIngestionValue,
  FileIngestionWaitOptions,
  StartedFileIngestion,
} from './ingestion/types.js';
export {
  CLIENT_VERSION,
  DEFAULT_RETRY,
  DEFAULT_TIMEOUTS,
  type ApiVersion,
  type IicsClientOptions,
  type IicsLogger,
  type IicsRetryOptions,
  type IicsTimeouts,
} from './options.js';
export {
  IicsAbortedError,
  IicsApiError,
  IicsAuthError,
  IicsClientClosedError,
  IicsError,
  IicsInvalidArgumentError,
  IicsInvalidResponseError,
  IicsNetworkError,
  IicsRunNotFoundError,
  IicsTaskNotFoundError,
  IicsTimeoutError,
  IicsWaitTimeoutError,
  isIicsError,
  type IicsErrorCode,
  type IicsErrorFields,
} from './errors.js';
export type { StartJobRequest, StartedJob, StatusOptions, StopJobRequest, TaskSelector } from './jobs.js';
export type { CallOptions, TaskInfo, TaskLookupRequest } from './lookup.js';
export {
  stateFromExecutionState,
  stateFromLogState,
  type ChildJobStatus,
  type JobRef,
  type JobRows,
  type JobState,
  type JobStatus,
} from './status.js';
export { DEFAULT_POLL_INTERVAL_MS, type WaitOptions, type WaitResult } from './wait.js';
export { DEFAULT_FALLBACK_POLL_INTERVAL_MS, type CompletionSource } from './completions.js';
export { backoffDelay } from './retry.js';
export { easternToUtc } from './time.js';
export {
  CLIENT_CHANNELS,
  type LoginMessage,
  type LookupMessage,
  type RequestMessage,
  type RunMessage,
  type StartMessage,
  type StatusMessage,
  type StopMessage,
  type WaitMessage,
} from './diagnostics.js';
