import type { CallbackUrlResponse } from '@iics-jobs/schema';
import { runKey } from './types.js';

interface Waiter {
  resolve(callback: CallbackUrlResponse): void;
  reject(error: unknown): void;
}

/**
 * The waits of this process and the callbacks it remembers. Both hubs use it: the memory hub as all
 * there is, the Redis hub so that a callback received here ends the waits here at once, Redis or not.
 */
export class LocalCompletions {
  // Insertion order is expiry order (one retainMs for all, and a re-published key moves to the end),
  // so expired and excess entries are always at the front.
  readonly #remembered = new Map<string, { callback: CallbackUrlResponse; expiresAt: number }>();
  readonly #waiters = new Map<string, Set<Waiter>>();
  readonly #retainMs: number;
  readonly #maxRemembered: number;

  constructor(retainMs: number, maxRemembered: number) {
    this.#retainMs = retainMs;
    this.#maxRemembered = maxRemembered;
  }

  get waiting(): number {
    let count = 0;
    for (const set of this.#waiters.values()) count += set.size;
    return count;
  }

  remember(callback: CallbackUrlResponse): void {
    const key = runKey(callback.objectId, callback.runId);
    const now = Date.now();
    this.#remembered.delete(key);
    this.#remembered.set(key, { callback, expiresAt: now + this.#retainMs });
    for (const [oldKey, entry] of this.#remembered) {
      if (entry.expiresAt > now && this.#remembered.size <= this.#maxRemembered) break;
      this.#remembered.delete(oldKey);
    }
  }

  recall(key: string): CallbackUrlResponse | undefined {
    const entry = this.#remembered.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt > Date.now()) return entry.callback;
    this.#remembered.delete(key);
    return undefined;
  }

  /** Ends the waits for this callback's run; a duplicate finds none left and does nothing. */
  deliver(callback: CallbackUrlResponse): void {
    const key = runKey(callback.objectId, callback.runId);
    const waiters = this.#waiters.get(key);
    if (!waiters) return;
    this.#waiters.delete(key);
    for (const waiter of waiters) waiter.resolve(callback);
  }

  /** A wait for `key` that ends with `deliver`, `fail`, `failAll`, or the signal (rejecting with its reason). */
  wait(key: string, signal: AbortSignal | undefined): { promise: Promise<CallbackUrlResponse>; fail(error: unknown): void } {
    let waiter!: Waiter;
    const promise = new Promise<CallbackUrlResponse>((resolve, reject) => {
      const done = (): void => {
        signal?.removeEventListener('abort', onAbort);
        const set = this.#waiters.get(key);
        set?.delete(waiter);
        if (set?.size === 0) this.#waiters.delete(key);
      };
      const onAbort = (): void => {
        done();
        reject(signal?.reason);
      };
      waiter = {
        resolve: (callback) => {
          done();
          resolve(callback);
        },
        reject: (error) => {
          done();
          reject(error);
        },
      };
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      let set = this.#waiters.get(key);
      if (!set) {
        set = new Set();
        this.#waiters.set(key, set);
      }
      set.add(waiter);
    });
    return { promise, fail: (error) => waiter.reject(error) };
  }

  /** Hands every pending wait back to its caller (Redis lost, hub closed). */
  failAll(error: unknown): void {
    const all = [...this.#waiters.values()].flatMap((set) => [...set]);
    this.#waiters.clear();
    for (const waiter of all) waiter.reject(error);
  }
}
