export { createIicsClient, type IicsClient, type IicsJobsApi, type IicsTaskflowsApi, type IicsTasksApi } from './client.js';
export type { StartTaskflowRequest } from './taskflows/checks.js';
export type { TaskflowAuth } from './taskflows/options.js';
export type { TaskflowState, TaskflowStatus, TaskflowStep } from './taskflows/status.js';
export type { ResumeOptions, StartedTaskflow, TaskflowWaitOptions, TerminateResult } from './taskflows/taskflows.js';
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
export { DEFAULT_POLL_INTERVAL_MS, type WaitOptions } from './wait.js';
export { backoffDelay } from './retry.js';
export { easternToUtc } from './time.js';
