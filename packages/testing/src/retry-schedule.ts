/** IICS gives up on a callback once this long has passed since its first attempt. */
export const CALLBACK_WINDOW_MS = 30 * 60_000;
/** An attempt that gets no answer within this long has failed. */
export const CALLBACK_ATTEMPT_TIMEOUT_MS = 30_000;

const IMMEDIATE_RETRIES = 2; // "three immediate attempts": the first plus two more without delay
const FIRST_INTERVAL_MS = 30_000;
const MAX_INTERVAL_MS = 3 * 60_000;

/**
 * The delays in ms before attempts 2, 3, 4, ... of a callback, per IICS's documented policy:
 * three immediate attempts, then intervals from 30 s doubling up to 3 min, until 30 minutes have
 * passed since the first attempt: [0, 0, 30000, 60000, 120000, 180000, 180000, ...].
 * A new array on every call, so a caller may change its copy.
 */
export function callbackRetrySchedule(): number[] {
  const delays: number[] = [];
  for (let i = 0; i < IMMEDIATE_RETRIES; i++) delays.push(0);
  let elapsed = 0;
  let interval = FIRST_INTERVAL_MS;
  while (elapsed + interval <= CALLBACK_WINDOW_MS) {
    delays.push(interval);
    elapsed += interval;
    interval = Math.min(interval * 2, MAX_INTERVAL_MS);
  }
  return delays;
}
