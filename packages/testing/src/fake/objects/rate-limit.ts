/**
 * The objects resource's "dynamic rate limit" as a sliding window on the fake clock: more than
 * `requests` requests within `perMs` fake ms are answered 429 "too many requests".
 */
export interface ObjectsRateLimitOptions {
  requests: number;
  perMs: number;
}

export class SlidingWindowLimit {
  readonly #requests: number;
  readonly #perMs: number;
  readonly #times: number[] = [];

  constructor(options: ObjectsRateLimitOptions) {
    this.#requests = options.requests;
    this.#perMs = options.perMs;
  }

  /** Counts a request at `now`; false when it is over the limit (a refused request does not count). */
  take(now: number): boolean {
    while (this.#times.length > 0 && this.#times[0]! <= now - this.#perMs) this.#times.shift();
    if (this.#times.length >= this.#requests) return false;
    this.#times.push(now);
    return true;
  }
}

export function checkRateLimit(value: unknown): ObjectsRateLimitOptions | undefined {
  if (value === undefined) return undefined;
  const o = value as Partial<ObjectsRateLimitOptions> | null;
  if (o === null || typeof o !== 'object') throw new TypeError('objectsRateLimit must be { requests, perMs }');
  if (typeof o.requests !== 'number' || !Number.isInteger(o.requests) || o.requests < 1) {
    throw new RangeError(`objectsRateLimit.requests must be an integer >= 1, got ${String(o.requests)}`);
  }
  if (typeof o.perMs !== 'number' || !Number.isFinite(o.perMs) || o.perMs <= 0) {
    throw new RangeError(`objectsRateLimit.perMs must be a number of fake ms above 0, got ${String(o.perMs)}`);
  }
  return { requests: o.requests, perMs: o.perMs };
}
