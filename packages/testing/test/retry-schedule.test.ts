import { describe, expect, test } from 'vitest';
import { CALLBACK_WINDOW_MS, callbackRetrySchedule } from '../src/index.js';

describe('callbackRetrySchedule', () => {
  test('three immediate attempts, then 30 s doubling to at most 3 min, within 30 minutes', () => {
    expect(callbackRetrySchedule()).toEqual([
      0, 0, 30_000, 60_000, 120_000, 180_000, 180_000, 180_000, 180_000, 180_000, 180_000, 180_000, 180_000,
    ]);
  });

  test('the last attempt starts within the window and one more interval would leave it', () => {
    const delays = callbackRetrySchedule();
    const lastAttemptAt = delays.reduce((sum, d) => sum + d, 0);
    expect(lastAttemptAt).toBe(1_650_000);
    expect(lastAttemptAt).toBeLessThanOrEqual(CALLBACK_WINDOW_MS);
    expect(lastAttemptAt + 180_000).toBeGreaterThan(CALLBACK_WINDOW_MS);
    // 14 attempts in all.
    expect(delays.length + 1).toBe(14);
  });

  test('returns a fresh array each time', () => {
    const first = callbackRetrySchedule();
    first.length = 0;
    expect(callbackRetrySchedule()).toHaveLength(13);
  });
});
