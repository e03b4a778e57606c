import { describe, expect, test } from 'vitest';
import { IicsApiError, IicsNetworkError, IicsTimeoutError } from '../src/index.js';
import { backoffDelay, isRetryableRead, isRetryableWrite, parseRetryAfter, withRetry } from '../src/retry.js';

const policy = { retries: 5, minDelayMs: 100, maxDelayMs: 1000, factor: 2 };
const apiError = (status: number) => new IicsApiError('x', { status, operation: 'GET /x' });

describe('backoffDelay', () => {
  test('grows exponentially with jitter between half and all of the step', () => {
    expect(backoffDelay(policy, 1, undefined, () => 0)).toBe(50);
    expect(backoffDelay(policy, 1, undefined, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, undefined, () => 0)).toBe(200);
    expect(backoffDelay(policy, 3, undefined, () => 1)).toBe(400);
  });
  test('is capped at maxDelayMs', () => {
    expect(backoffDelay(policy, 20, undefined, () => 1)).toBe(1000);
  });
  test('Retry-After is a floor, still under the cap', () => {
    expect(backoffDelay(policy, 1, 700, () => 0)).toBe(700);
    expect(backoffDelay(policy, 1, 3_600_000, () => 0)).toBe(1000);
  });
  test('spreads: different random draws give different delays', () => {
    const delays = new Set(Array.from({ length: 20 }, () => backoffDelay(policy, 4)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('what is retried', () => {
  test.each([429, 500, 502, 503, 504])('a read answered %i', (s) => expect(isRetryableRead(apiError(s))).toBe(true));
  test.each([400, 401, 403, 404, 501])('not a read answered %i', (s) => expect(isRetryableRead(apiError(s))).toBe(false));
  test('reads: network errors and timeouts', () => {
    expect(isRetryableRead(new IicsNetworkError('x', { operation: 'o', connectFailed: false }))).toBe(true);
    expect(isRetryableRead(new IicsTimeoutError('x', { operation: 'o', timeoutMs: 1 }))).toBe(true);
  });
  test('writes: only a connection that never opened', () => {
    expect(isRetryableWrite(new IicsNetworkError('x', { operation: 'o', connectFailed: true }))).toBe(true);
    expect(isRetryableWrite(new IicsNetworkError('x', { operation: 'o', connectFailed: false }))).toBe(false);
    expect(isRetryableWrite(apiError(503))).toBe(false);
    expect(isRetryableWrite(new IicsTimeoutError('x', { operation: 'o', timeoutMs: 1 }))).toBe(false);
  });
});

describe('withRetry', () => {
  test('stops at the retry budget and rethrows the last error', async () => {
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw apiError(503);
      },
      { policy: { ...policy, retries: 3, minDelayMs: 1, maxDelayMs: 1 }, shouldRetry: isRetryableRead },
    ).catch((e: unknown) => e);
    expect(calls).toBe(4);
    expect(error).toBeInstanceOf(IicsApiError);
  });
  test('an abort during the back-off ends it at once', async () => {
    const controller = new AbortController();
    const p = withRetry(
      async () => {
        throw apiError(503);
      },
      { policy: { ...policy, minDelayMs: 10_000, maxDelayMs: 10_000 }, shouldRetry: () => true, signal: controller.signal },
    );
    controller.abort(new Error('stop'));
    await expect(p).rejects.toThrow('stop');
  });
});

describe('parseRetryAfter', () => {
  test('seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});
