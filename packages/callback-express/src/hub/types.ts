import type { CallbackUrlResponse } from '@iics-jobs/schema';
import type { CallbackLogger } from '../logger.js';
import type { RedisClientLike } from '../store/redis.js';

/** A run, as the client names it: runIds count per task, so the task id is part of the name. */
export interface CompletionRef {
  /** The v2 task id (`objectId` in the callback, `taskId` in the start answer). */
  taskId: string;
  runId: number;
}

/**
 * What `@iics-jobs/client` waits on (its `completions` option): resolves with the run's callback,
 * also one that arrived before the wait began. Rejects with the signal's reason on abort, and with a
 * `CompletionHubError` when it cannot deliver (Redis down, hub closed): the client then polls.
 */
export interface CompletionSource {
  waitFor(ref: CompletionRef, signal?: AbortSignal): Promise<CallbackUrlResponse>;
}

export interface CompletionHub extends CompletionSource {
  /**
   * Ends every wait for this callback's run, on this process and (with Redis) on every replica, and
   * remembers it for `retainMs` for waits that begin later. The callback middleware calls it (once
   * per key, after `onCallback` succeeded) when given `hub`. Rejects only when Redis did not take it
   * (waits on this process have been ended all the same).
   */
  publish(callback: CallbackUrlResponse): Promise<void>;
  /** Ends pending waits with `hub_closed` and closes the Redis subscriber the hub opened (never your client). */
  close(): Promise<void>;
}

export interface CompletionHubOptions {
  /**
   * A connected ioredis or node-redis client, as `RedisStore` takes it: callbacks received by one
   * replica end waits on every other. The hub opens one more connection for pub/sub (`duplicate()`)
   * the first time something waits. Without it, the hub is in this process only.
   */
  redis?: RedisClientLike;
  /** Prepended to the Redis keys and channel (default `"iics-completion:"`). */
  prefix?: string;
  /** How long a callback is remembered for waits that begin later (default 35 min, past IICS's 30-minute retry window). */
  retainMs?: number;
  /** The most callbacks remembered in this process; the oldest go first (default 100,000). */
  maxRemembered?: number;
  /** Longest wait for one Redis call before the wait is handed back to polling (default 2,000 ms). */
  redisTimeoutMs?: number;
  /** Where to log (pino fits): Redis lost and back, publishes that failed. */
  logger?: CallbackLogger;
}

export type CompletionHubErrorCode = 'hub_unavailable' | 'hub_closed';

/** Why a wait could not be served by the hub; the client then falls back to polling. */
export class CompletionHubError extends Error {
  override readonly name = 'CompletionHubError';
  readonly code: CompletionHubErrorCode;

  constructor(code: CompletionHubErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** One key per run: the task id encoded so that no two (taskId, runId) pairs collide. */
export function runKey(taskId: string, runId: number | string): string {
  return `${encodeURIComponent(taskId)}:${String(runId)}`;
}

export function checkRef(ref: unknown): CompletionRef {
  if (ref === null || typeof ref !== 'object') {
    throw new TypeError('waitFor: name the run as { taskId, runId }, as jobs.start returned them');
  }
  const { taskId, runId } = ref as Record<string, unknown>;
  if (typeof taskId !== 'string' || taskId === '') {
    throw new TypeError(`waitFor: taskId must be a non-empty string, got ${describe(taskId)}`);
  }
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 0) {
    throw new TypeError(`waitFor: runId must be a non-negative integer, got ${describe(runId)}`);
  }
  return { taskId, runId };
}

export function checkCallback(callback: unknown): CallbackUrlResponse {
  if (callback === null || typeof callback !== 'object') throw new TypeError('publish: pass the callbackUrlResponse object');
  const { objectId, runId } = callback as Record<string, unknown>;
  if (typeof objectId !== 'string' || objectId === '') {
    throw new TypeError(`publish: objectId must be a non-empty string, got ${describe(objectId)}`);
  }
  if (typeof runId !== 'number' || !Number.isSafeInteger(runId) || runId < 0) {
    throw new TypeError(`publish: runId must be a non-negative integer, got ${describe(runId)}`);
  }
  return callback as CallbackUrlResponse;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return Array.isArray(value) ? 'an array' : 'an object';
}

export type { CallbackLogger };
