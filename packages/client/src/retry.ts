import { sleep } from './abort.js';
import { IicsApiError, IicsNetworkError, IicsTimeoutError } from './errors.js';
import type { IicsRetryOptions } from './options.js';

export type RetryPolicy = Required<IicsRetryOptions>;

/**
 * The back-off before retry number `retry` (1-based): exponential from minDelayMs, capped at
 * maxDelayMs, with "equal jitter" (half fixed, half random) so that many clients hit by the same
 * outage spread out without any of them retrying at once. A server's Retry-After is honoured as a
 * floor, still within the cap.
 */
export function backoffDelay(policy: RetryPolicy, retry: number, retryAfterMs?: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.minDelayMs * policy.factor ** Math.max(0, retry - 1));
  const jittered = exponential / 2 + (exponential / 2) * random();
  const floor = retryAfterMs !== undefined ? Math.min(retryAfterMs, policy.maxDelayMs) : 0;
  return Math.round(Math.max(jittered, floor));
}

/** Whether a failed read may be sent again: 429, 5xx (but not 501/505, which will not change), network trouble, timeouts. */
export function isRetryableRead(error: unknown): boolean {
  if (error instanceof IicsApiError) {
    const s = error.status;
    return s === 429 || s === 408 || (s >= 500 && s <= 599 && s !== 501 && s !== 505);
  }
  return error instanceof IicsNetworkError || error instanceof IicsTimeoutError;
}

/** Whether a request that changes something (a job start, a stop) may be sent again: only if it never left. */
export function isRetryableWrite(error: unknown): boolean {
  return error instanceof IicsNetworkError && error.connectFailed;
}

export interface RetryContext {
  policy: RetryPolicy;
  signal?: AbortSignal;
  shouldRetry(error: unknown): boolean;
  onRetry?(error: unknown, retry: number, delayMs: number): void;
  random?: () => number;
}

/** Runs `attempt` until it succeeds, a failure is not retryable, or the retries are used up. */
export async function withRetry<T>(attempt: (n: number) => Promise<T>, ctx: RetryContext): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (n >= ctx.policy.retries || !ctx.shouldRetry(error)) throw error;
      const retryAfter = error instanceof IicsApiError ? error.retryAfterMs : undefined;
      const delay = backoffDelay(ctx.policy, n + 1, retryAfter, ctx.random);
      ctx.onRetry?.(error, n + 1, delay);
      await sleep(delay, ctx.signal);
    }
  }
}

/** Milliseconds from a Retry-After header (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v.trim())) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
