export {
  createCallbackMiddleware,
  createCallbackErrorHandler,
  type CallbackMiddleware,
  type CallbackMiddlewareOptions,
  type CallbackMiddlewareRequest,
  type CallbackErrorHandlerOptions,
  type CallbackErrorMiddleware,
} from './express.js';
export { createCallbackHandler, type CallbackHandler, type CallbackHttpRequest, type CallbackHttpResponse } from './handler.js';
export {
  defaultKey,
  type CallbackContext,
  type CallbackHandlerOptions,
  type CallbackRequestInfo,
} from './options.js';
export { callbackUrl, SECRET_HEADER, SECRET_QUERY_PARAMETER, type CallbackUrlOptions } from './secret.js';
export {
  CallbackBodyError,
  type CallbackErrorCode,
  type ErrorBody,
  type ErrorDetail,
  type Rejection,
  type RejectionCode,
  type SuccessBody,
} from './errors.js';
export type { CallbackLogger } from './logger.js';
export type { CallbackStore, ClaimResult } from './store/types.js';
export { MemoryStore, MemoryStoreFullError, type MemoryStoreOptions } from './store/memory.js';
export {
  RedisStore,
  type IoRedisLikeClient,
  type NodeRedisLikeClient,
  type RedisClientLike,
  type RedisStoreOptions,
} from './store/redis.js';
export { StoreTimeoutError } from './timeout.js';
export { createCompletionHub } from './hub/hub.js';
export {
  CompletionHubError,
  type CompletionHub,
  type CompletionHubErrorCode,
  type CompletionHubOptions,
  type CompletionRef,
  type CompletionSource,
} from './hub/types.js';
export type { CallbackUrlResponse } from '@iics-jobs/schema';
export { CALLBACK_CHANNELS, type HandlerMessage, type ReceiveMessage } from './diagnostics.js';
