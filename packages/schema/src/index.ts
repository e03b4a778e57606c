export type { components, operations, paths, webhooks } from './generated/openapi.js';
export * from './generated/typebox.js';
export * from './generated/parsers.js';
export { OPERATION_STATUSES } from './generated/operations.js';
export {
  createParser,
  formatIssues,
  FORBIDDEN_KEYS,
  FORBIDDEN_RESPONSE_KEYS,
  MAX_DEPTH,
  type ParseIssue,
  type ParseResult,
  type ParserKind,
} from './parse.js';
export { isCallbackUrl, isDateTime, isUri } from './formats.js';
export {
  ACTIVITY_STATE,
  CALLBACK_STATUSES,
  EXECUTION_STATES,
  TASK_TYPES,
  isTaskType,
  type ActivityStateValue,
  type CallbackStatus,
  type TaskTypeName,
} from './constants.js';
