import type { CallbackStore, ClaimResult } from './types.js';

export interface MemoryStoreOptions {
  /** Most keys kept at once (default 100,000); past it the least recently used done or expired key goes. */
  maxEntries?: number;
  /** The clock, in epoch ms (default `Date.now`); tests pass a fake one. */
  now?: () => number;
}

interface Entry {
  state: 'claimed' | 'done';
  /** The claim holder's token; a done mark keeps none (100,000 tokens would cost tens of MB). */
  token: string;
  expiresAt: number;
}

const NO_TOKEN = '';

/** Thrown by `MemoryStore.claim` when every kept key is a live claim, so none can make room. */
export class MemoryStoreFullError extends Error {
  override readonly name = 'MemoryStoreFullError';
  readonly code = 'MEMORY_STORE_FULL';
}

/**
 * The default store: a bounded LRU map with a TTL per key, for a receiver that runs as one process.
 * It forgets everything on restart, and replicas do not share it: use `RedisStore` for those.
 */
export class MemoryStore implements CallbackStore {
  readonly maxEntries: number;
  readonly #now: () => number;
  // A Map iterates in insertion order; moving a key to the end on use makes the first key the least recently used.
  readonly #entries = new Map<string, Entry>();
  #cursor: MapIterator<[string, Entry]> | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxEntries = 100_000, now = Date.now } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`MemoryStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    if (typeof now !== 'function') throw new TypeError('MemoryStore: now must be a function returning epoch milliseconds');
    this.maxEntries = maxEntries;
    this.#now = now;
  }

  /** Keys held now, counting expired ones not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  /** What the store holds for a key, for tests and diagnostics. */
  peek(key: string): 'claimed' | 'done' | undefined {
    const entry = this.#live(key, false);
    return entry?.state;
  }

  claim(key: string, token: string, leaseMs: number): Promise<ClaimResult> {
    const entry = this.#live(key, true);
    if (entry) {
      if (entry.state === 'done') return Promise.resolve('done');
      return Promise.resolve(entry.token === token ? 'claimed' : 'in-flight');
    }
    try {
      this.#insert(key, { state: 'claimed', token, expiresAt: this.#now() + leaseMs });
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve('claimed');
  }

  release(key: string, token: string): Promise<boolean> {
    const entry = this.#live(key, false);
    if (!entry) return Promise.resolve(true);
    if (entry.state !== 'claimed' || entry.token !== token) return Promise.resolve(false);
    this.#entries.delete(key);
    return Promise.resolve(true);
  }

  markDone(key: string, token: string, ttlMs: number): Promise<boolean> {
    const entry = this.#live(key, false);
    if (entry?.state === 'done') return Promise.resolve(true);
    if (entry && entry.token !== token) return Promise.resolve(false);
    try {
      this.#entries.delete(key);
      this.#insert(key, { state: 'done', token: NO_TOKEN, expiresAt: this.#now() + ttlMs });
    } catch (error) {
      return Promise.reject(error);
    }
    return Promise.resolve(true);
  }

  extend(key: string, token: string, leaseMs: number): Promise<boolean> {
    const entry = this.#live(key, false);
    if (!entry || entry.state !== 'claimed' || entry.token !== token) return Promise.resolve(false);
    entry.expiresAt = this.#now() + leaseMs;
    return Promise.resolve(true);
  }

  #live(key: string, touch: boolean): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    if (touch) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  #insert(key: string, entry: Entry): void {
    if (this.#entries.size >= this.maxEntries) this.#evictOne();
    this.#entries.set(key, entry);
  }

  // Evicting a live claim would let a duplicate run the handler a second time, so only expired
  // keys and done marks go; when nothing but live claims is left the claim fails (503, IICS retries).
  // The scan goes on from where the last one stopped: a fresh `for … of` from the start would step
  // over every slot deleted since V8 last rehashed the table, so each eviction would cost more than
  // the last. A Map iterator survives deletes and sees keys moved to the end, so LRU order holds.
  #evictOne(): void {
    const now = this.#now();
    for (let pass = 0; pass < 2; pass++) {
      this.#cursor ??= this.#entries.entries();
      for (let step = this.#cursor.next(); !step.done; step = this.#cursor.next()) {
        const [key, entry] = step.value;
        if (entry.expiresAt <= now || entry.state === 'done') {
          this.#entries.delete(key);
          return;
        }
      }
      // The end: once more from the start, for live claims passed over before that have since expired.
      this.#cursor = undefined;
    }
    throw new MemoryStoreFullError(
      `MemoryStore is full: all ${this.maxEntries} keys are callbacks being processed; raise maxEntries`,
    );
  }
}
