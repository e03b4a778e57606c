/** The task types the job resource starts and stops (upper case, as sent). */
export const TASK_TYPES = ['DMASK', 'DRS', 'DSS', 'MTT', 'PCS', 'WORKFLOW'] as const;
export type TaskTypeName = (typeof TASK_TYPES)[number];

/** The callback statuses IICS documents. Others may come and are passed on as strings. */
export const CALLBACK_STATUSES = ['COMPLETED', 'FAILED'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** `state` of an activity log entry. */
export const ACTIVITY_STATE = { SUCCESS: 1, WARNING: 2, FAILED: 3 } as const;
export type ActivityStateValue = (typeof ACTIVITY_STATE)[keyof typeof ACTIVITY_STATE];

/** `executionState` values of the activity monitor that IICS documents. Others may come. */
export const EXECUTION_STATES = ['QUEUED', 'INITIALIZED', 'RUNNING', 'STOPPING', 'COMPLETED', 'FAILED'] as const;

/** Is `value` one of TASK_TYPES? Case-sensitive: IICS task types are sent in upper case. */
export function isTaskType(value: unknown): value is TaskTypeName {
  return typeof value === 'string' && (TASK_TYPES as readonly string[]).includes(value);
}
